package io.pilot4j.load.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapInfoTest {

    @Test
    void readsG1Output() {
        String out = "4242:\n garbage-first heap   total 1048576K, used 345678K [0x00000000c0000000, 0x0000000100000000)\n"
                + "  region size 1024K, 120 young (122880K), 3 survivors (3072K)\n"
                + " Metaspace       used 51234K, committed 51800K, reserved 1114112K\n";
        HeapInfo.Heap heap = HeapInfo.parse(out).orElseThrow();
        assertEquals(345678L * 1024, heap.usedBytes());
        assertEquals(1048576L * 1024, heap.committedBytes());
    }

    @Test
    void nothingFromAnError() {
        assertTrue(HeapInfo.parse("4242:\ncom.sun.tools.attach.AttachNotSupportedException: Unable to open socket file").isEmpty());
    }
}
