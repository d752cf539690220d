package dev.molt.docker;

import dev.molt.Arguments;

/**
 * A login for one image registry, used when the provider pulls an image it does not have. The
 * password is never logged, put in an exception message or printed by {@link #toString()}.
 *
 * @param registry the registry host as image references name it ({@code registry.example:5000});
 *     {@code docker.io} for Docker Hub
 * @param username the user name
 * @param password the password or access token
 */
public record RegistryCredentials(String registry, String username, String password) {

  /** Validates the fields. */
  public RegistryCredentials {
    Arguments.notBlank(registry, "registry");
    Arguments.notBlank(username, "username");
    Arguments.required(password, "password");
  }

  /**
   * @param registry the registry host, such as {@code registry.example:5000}
   * @param username the user name
   * @param password the password or access token
   * @return the credentials
   */
  public static RegistryCredentials of(String registry, String username, String password) {
    return new RegistryCredentials(registry, username, password);
  }

  /** @return the registry and user name; never the password */
  @Override
  public String toString() {
    return "RegistryCredentials[registry=" + registry + ", username=" + username
        + ", password=***]";
  }
}
