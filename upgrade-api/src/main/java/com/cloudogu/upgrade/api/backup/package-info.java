/** The backup-decision SPI: rules that say when a full dump and restore is required. */
package com.cloudogu.upgrade.api.backup;
