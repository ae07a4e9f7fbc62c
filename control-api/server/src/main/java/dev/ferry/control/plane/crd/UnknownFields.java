package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers fields the schema does not know, so that a misspelt knob ({@code maxConections}) is
 * reported in the policy's status instead of being silently ignored.
 */
public abstract class UnknownFields {
    private final Map<String, Object> unknown = new LinkedHashMap<>();

    @JsonAnySetter
    void remember(String name, Object value) {
        unknown.put(name, value);
    }

    @JsonIgnore
    public Map<String, Object> unknownFields() {
        return unknown;
    }
}
