/**
 * Value types shared by every part of dogu-upgrade: {@link com.cloudogu.upgrade.api.DoguVersion},
 * {@link com.cloudogu.upgrade.api.ErrorCode} and {@link com.cloudogu.upgrade.api.UpgradeException}.
 * The sub-packages hold the extension points (SPIs).
 */
package com.cloudogu.upgrade.api;
