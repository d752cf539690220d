/**
 * Molt's rollout files: YAML and JSON documents that map one to one onto the core specs ({@code
 * RolloutSpec}, {@code ReconcileSpec}, {@code LaunchSpec}, the strategies, canary steps and
 * gates), with reusable gate templates and a published JSON Schema. Its own module because it
 * brings Jackson, and core depends on slf4j and Failsafe only. See docs/files.md.
 */
module dev.molt.files {
  requires transitive dev.molt.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;

  exports dev.molt.files;
}
