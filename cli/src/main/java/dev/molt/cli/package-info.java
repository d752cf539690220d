/**
 * The {@code molt} command (docs/cli.md): {@link dev.molt.cli.Molt} is the main class and {@link
 * dev.molt.cli.ExitCode} the exit statuses; everything else is package-private. The commands use
 * only the library's exported API — {@code RolloutEngine}, {@code SpecFiles}, the providers and
 * {@code RolloutStore} — as any tool wrapping Molt would.
 */
package dev.molt.cli;
