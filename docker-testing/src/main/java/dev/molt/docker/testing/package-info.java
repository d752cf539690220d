/**
 * Throwaway infrastructure for tests and demos of the Docker provider: the environment written by
 * {@code scripts/docker-env.sh up}, an HAProxy process with a temporary configuration, and a
 * steady HTTP load that counts failed requests. Not for production: Molt never starts HAProxy for
 * its users. It is its own module ({@code molt-docker-testing}) so that the provider's production
 * artifact holds none of it.
 */
package dev.molt.docker.testing;
