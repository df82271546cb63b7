package com.cloudogu.upgrade.cli;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeMap;

/**
 * The help text of every option in the {@link Setting} table, as the resource bundle picocli reads
 * option descriptions from (keyed by the option name without dashes), so the table is the only place
 * a setting is described.
 */
final class SettingDescriptions extends ResourceBundle {

    private final Map<String, String> texts = new TreeMap<>();

    SettingDescriptions() {
        for (Setting s : Setting.values()) {
            texts.put(s.descriptionKey(), s.helpText());
        }
    }

    @Override
    protected Object handleGetObject(String key) {
        return texts.get(key);
    }

    @Override
    public Enumeration<String> getKeys() {
        return Collections.enumeration(texts.keySet());
    }
}
