/** The state store SPI: where dogu-upgrade keeps progress and completion markers. */
package com.cloudogu.upgrade.api.state;
