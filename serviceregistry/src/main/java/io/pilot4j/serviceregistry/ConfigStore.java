package io.pilot4j.serviceregistry;

import java.util.List;

/** A registry that can list the configuration objects it currently applies (for /debug/configz). */
public interface ConfigStore {
    List<StoredConfig> configs();
}
