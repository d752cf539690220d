/**
 * The AWS provider: a fleet as EC2 instances tagged with Molt's owner labels, optionally registered
 * in ELBv2 target groups for health checks and draining. Start at {@link dev.molt.aws.AwsProvider}.
 */
package dev.molt.aws;
