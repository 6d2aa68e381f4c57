package io.pilot4j.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DnsNamesTest {

    @ParameterizedTest(name = "''{0}'' fqdn={1} wildcardDomain={2}")
    @CsvSource({
            "api.example.com,    true,  true",
            "istio.io.,          true,  true",
            "localhost,          true,  true",
            "*.example.com,      false, true",
            "*-api.example.com,  false, true",
            "*,                  false, true",
            "a.*.example.com,    false, false",
            "bad_label.com,      false, false",
            "example.123,        false, false",
            "-lead.example.com,  false, false",
    })
    void validates(String name, boolean fqdn, boolean wildcardDomain) {
        assertEquals(fqdn, DnsNames.fqdnProblem(name).isEmpty(), "fqdn");
        assertEquals(wildcardDomain, DnsNames.wildcardDomainProblem(name).isEmpty(), "wildcard domain");
    }
}
