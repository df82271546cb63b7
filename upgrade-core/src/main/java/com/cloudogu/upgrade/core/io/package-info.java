/** Durability of file-system changes: what crash safety rests on, in one place. */
package com.cloudogu.upgrade.core.io;
