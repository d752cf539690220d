/**
 * Molt's DynamoDB {@link dev.molt.store.RolloutStore}: {@link
 * dev.molt.aws.store.DynamoDbRolloutStore}. One table; fleet leases with fencing tokens taken by
 * conditional writes; records saved in a transaction that checks the writer's lease. See {@code
 * docs/store-dynamodb.md}.
 */
package dev.molt.aws.store;
