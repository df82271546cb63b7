/** Events and the listener SPI for tools that embed or drive dogu-upgrade. */
package com.cloudogu.upgrade.api.event;
