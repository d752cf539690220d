/**
 * Rollout files: YAML and JSON documents ({@code apiVersion: molt.dev/v1}, {@code kind: Rollout},
 * {@code Reconcile} or {@code GateTemplates}) that map one to one onto the core specs.
 *
 * <p>{@link dev.molt.files.SpecFiles} reads a file into a {@link dev.molt.files.SpecFile} ({@link
 * dev.molt.files.RolloutFile}, {@link dev.molt.files.ReconcileFile}, {@link
 * dev.molt.files.TemplatesFile}) and writes one back; {@link dev.molt.files.GateTemplate} is a
 * named gate declared once and referenced by name, {@link dev.molt.files.GateGroup} an all-of or
 * any-of that can be written, {@link dev.molt.files.NamedMetricSource} a source files name.
 * Every problem is a {@link dev.molt.files.SpecFileException} naming the file, line, column and
 * field path. The rest of the package (the located tree, the reader and writer, the key lists)
 * is package-private. See docs/files.md.
 */
package dev.molt.files;
