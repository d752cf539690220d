/**
 * Small utilities core shares between its packages ({@link dev.molt.internal.Json}, {@link
 * dev.molt.internal.FrozenMap}). Not API: this package is not exported from the {@code
 * dev.molt.core} module, and anything here may change in any release.
 */
package dev.molt.internal;
