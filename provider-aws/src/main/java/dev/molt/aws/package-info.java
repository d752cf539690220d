/**
 * The AWS provider: a fleet as EC2 instances tagged with Molt's owner labels, optionally registered
 * in ELBv2 target groups for health checks and draining, launched directly or, in the Auto Scaling
 * mode, as one Auto Scaling group per revision. Start at {@link dev.molt.aws.AwsProvider}.
 */
package dev.molt.aws;
