package com.cloudogu.upgrade.core;

import com.cloudogu.upgrade.api.Api;
import com.cloudogu.upgrade.core.internal.process.ProcessRunner;

/** A deliberate leak (an internal type in a public signature), for ArchitectureRulesCatchViolationsTest. */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class LeakyEmbeddingFixture {

    /** @return an internal type through the public API */
    public ProcessRunner runner() {
        return null;
    }
}
