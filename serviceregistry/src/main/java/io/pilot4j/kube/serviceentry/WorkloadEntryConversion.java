package io.pilot4j.kube.serviceentry;

import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.net.DnsNames;
import io.pilot4j.net.IpAddresses;

import java.util.Map;
import java.util.TreeMap;

/**
 * An Istio WorkloadEntry (v1, v1beta1 or v1alpha3, one spec): a workload that ServiceEntries of its namespace select
 * by label ({@link WorkloadSelection}), checked as Istio's ValidateWorkloadEntry checks it. pilot4j has one network,
 * so the address is required (Istio lets an entry on another network leave it to that network's gateway).
 */
public final class WorkloadEntryConversion {
    private static final FieldPath SPEC = FieldPath.of("spec");
    private static final long MAX_WEIGHT = Integer.MAX_VALUE;

    private WorkloadEntryConversion() {
    }

    public static Result<WorkloadInstance> convert(HasMetadata object, WorkloadEntry spec) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(object, errors);
        if (spec == null) {
            errors.required(SPEC);
            return Result.invalid(errors.toList());
        }
        String address = spec.getAddress();
        FieldPath at = SPEC.child("address");
        if (address == null || address.isEmpty()) {
            errors.required(at);
        } else if (address.startsWith(ServiceEntryValidation.UNIX_ADDRESS_PREFIX)) {
            if (address.length() == ServiceEntryValidation.UNIX_ADDRESS_PREFIX.length()) {
                errors.add(at, "unix:// needs a socket path");
            }
        } else if (!IpAddresses.isIp(address) && DnsNames.fqdnProblem(address).isPresent()) {
            errors.add(at, "\"" + address + "\" is not a valid IP address, hostname or unix:// path");
        }
        Map<String, Long> ports = spec.getPorts() == null ? Map.of() : new TreeMap<>(spec.getPorts());
        for (Map.Entry<String, Long> e : ports.entrySet()) {
            FieldPath portPath = SPEC.child("ports").key(e.getKey());
            if (e.getValue() == null) {
                errors.required(portPath);
            } else {
                errors.checkPort(portPath, e.getValue());
            }
        }
        if (spec.getWeight() != null && (spec.getWeight() < 0 || spec.getWeight() > MAX_WEIGHT)) {
            errors.add(SPEC.child("weight"), spec.getWeight() + " is out of range 0-" + MAX_WEIGHT);
        }
        return errors.toResult(() -> WorkloadInstance.of(spec));
    }
}
