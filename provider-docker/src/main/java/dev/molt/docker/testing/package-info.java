/**
 * Throwaway infrastructure for tests and demos of the Docker provider: the environment written by
 * {@code scripts/docker-env.sh up}, an HAProxy process with a temporary configuration, and a
 * steady HTTP load that counts failed requests. Not for production: Molt never starts HAProxy for
 * its users.
 */
package dev.molt.docker.testing;
