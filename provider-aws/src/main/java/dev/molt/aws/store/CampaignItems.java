package dev.molt.aws.store;

import static dev.molt.aws.store.Items.FINISHED;
import static dev.molt.aws.store.Items.PK;
import static dev.molt.aws.store.Items.TOKEN;

import dev.molt.store.Lease;
import dev.molt.store.SavedCampaign;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The items of a patch-wave campaign: {@code campaign#<id>}/{@code campaign} holds its state, and
 * an entry in the {@code unfinished-campaigns} partition lists it until it ended. A save is one
 * transaction, as a rollout record's: a {@code ConditionCheck} that the writer's lease is the
 * current one of the campaign's lease name, the {@code Put} of the state if the stored one is of
 * the same lease name and was not written under a newer token, and the {@code Put} (or, once
 * finished, the {@code Delete}) of the entry.
 */
final class CampaignItems {
  static final String SK = "campaign";
  static final String UNFINISHED_PK = "unfinished-campaigns";
  static final String NAME = "name";
  static final String LEASE = "lease";
  static final String STATE = "state";
  private static final String PUT_IF = "attribute_not_exists(#pk)"
      + " OR (#lease = :lease AND #token <= :token)";

  private CampaignItems() {}

  static Map<String, AttributeValue> key(String campaignId) {
    return Items.key("campaign#" + campaignId, SK);
  }

  static Map<String, AttributeValue> unfinishedKey(String campaignId) {
    return Items.key(UNFINISHED_PK, campaignId);
  }

  static List<TransactWriteItem> save(String table, Lease writer, SavedCampaign campaign) {
    List<TransactWriteItem> out = new ArrayList<>();
    out.add(RecordItems.currentLease(table, writer));
    Map<String, AttributeValue> item = new HashMap<>(key(campaign.id()));
    item.put(NAME, Items.s(campaign.name()));
    item.put(LEASE, Items.s(campaign.lease()));
    item.put(FINISHED, Items.bool(campaign.finished()));
    item.put(STATE, Items.s(campaign.state()));
    item.put(TOKEN, Items.n(writer.token()));
    out.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
        .conditionExpression(PUT_IF)
        .expressionAttributeNames(Map.of("#pk", PK, "#lease", LEASE, "#token", TOKEN))
        .expressionAttributeValues(Map.of(":lease", Items.s(campaign.lease()), ":token",
            Items.n(writer.token()))).build()).build());
    if (campaign.finished()) {
      out.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
          .key(unfinishedKey(campaign.id())).build()).build());
    } else {
      out.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
          .item(unfinishedKey(campaign.id())).build()).build());
    }
    return out;
  }

  static SavedCampaign read(String campaignId, Map<String, AttributeValue> item) {
    return new SavedCampaign(campaignId, Items.text(item, NAME), Items.text(item, LEASE),
        item.get(FINISHED).bool(), Items.text(item, STATE));
  }
}
