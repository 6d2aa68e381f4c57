#!/usr/bin/env python3
"""Summarise a JFR recording's CPU samples: the hottest methods by self time (top frame) and by total time
(anywhere on the stack), from `jfr print --events jdk.ExecutionSample`.
  jfr-hot.py recording.jfr [top] [thread-name-filter]"""
import collections, re, subprocess, sys

jfr, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
thread_filter = sys.argv[3] if len(sys.argv) > 3 else None
out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", jfr],
                     capture_output=True, text=True, check=True).stdout
self_count, total_count, threads = collections.Counter(), collections.Counter(), collections.Counter()
samples = 0
for event in out.split("jdk.ExecutionSample")[1:]:
    thread = re.search(r'sampledThread = "([^"]*)"', event)
    name = re.sub(r"[-#]?\d+$", "", thread.group(1)) if thread else "?"
    if thread_filter and thread_filter not in name:
        continue
    frames = [re.sub(r"\(.*", "", f.strip()) for f in re.findall(r"^\s+([\w$.<>]+\(.*\)).*line:", event, re.M)]
    if not frames:
        continue
    samples += 1
    threads[name] += 1
    self_count[frames[0]] += 1
    for f in set(frames):
        total_count[f] += 1
print(f"{samples} samples")
print("\nby thread:")
for t, c in threads.most_common(8):
    print(f"  {100.0 * c / samples:5.1f}%  {t}")
print("\nself (top of stack):")
for m, c in self_count.most_common(top):
    print(f"  {100.0 * c / samples:5.1f}%  {m}")
print("\ntotal (on the stack), pilot4j and load tool frames:")
for m, c in [(m, c) for m, c in total_count.most_common() if m.startswith("io.pilot4j")][:top]:
    print(f"  {100.0 * c / samples:5.1f}%  {m}")
