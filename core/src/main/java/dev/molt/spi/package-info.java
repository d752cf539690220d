/**
 * The provider SPI: what a platform (in-memory, Docker, Kubernetes, AWS) implements so that Molt
 * can drive it. Start at {@link dev.molt.spi.Provider}.
 */
package dev.molt.spi;
