package com.cloudogu.upgrade.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the {@code Implementation-Version} the build writes into the jar's manifest, so
 * the version is stated once, in the POM.
 */
final class ManifestVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {text(DoguUpgradeCli.class.getPackage().getImplementationVersion())};
    }

    /**
     * @param implementationVersion the manifest's version, null when the classes do not come from the
     *                              jar (an IDE, {@code target/classes})
     * @return the version line
     */
    static String text(String implementationVersion) {
        return "dogu-upgrade " + (implementationVersion == null
                ? "(version unknown: not run from the built jar)" : implementationVersion);
    }
}
