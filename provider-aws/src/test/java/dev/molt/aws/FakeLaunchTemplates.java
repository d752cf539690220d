package dev.molt.aws;

import static dev.molt.aws.FakeAws.esc;

import dev.molt.aws.FakeAws.Answer;
import dev.molt.aws.FakeAws.Refusal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EC2 launch templates in {@link FakeAws}, as the EC2 API reference describes CreateLaunchTemplate,
 * DescribeLaunchTemplates and DeleteLaunchTemplate: a name is unique ({@code
 * InvalidLaunchTemplateName.AlreadyExistsException}, unless the same client token asks again,
 * which answers the first template), an unknown name is {@code
 * InvalidLaunchTemplateName.NotFoundException}; the template's own tags come from its {@code
 * launch-template} tag specification. Keeps each template's data as its request carried it,
 * without the {@code LaunchTemplateData.} prefix, which is what an instance launched from it gets
 * as its "request". Runs under the fake's lock.
 */
final class FakeLaunchTemplates {
  private static final String DATA = "LaunchTemplateData.";
  private final Map<String, Template> byName = new LinkedHashMap<>();
  private int nextId = 0x100;

  /** One template, version 1 only. */
  record Template(String id, String name, String clientToken, Map<String, String> data,
      Map<String, String> tags, Instant created) {}

  /** @return the template, if it exists. Caller holds the fake's lock. */
  Optional<Template> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** @return the names of every template. Caller holds the fake's lock. */
  List<String> names() {
    return List.copyOf(byName.keySet());
  }

  Answer handle(String action, Map<String, String> p, Instant now) {
    return switch (action) {
      case "CreateLaunchTemplate" -> create(p, now);
      case "DescribeLaunchTemplates" -> describe(p);
      default -> delete(p);
    };
  }

  private Answer create(Map<String, String> p, Instant now) {
    String name = p.getOrDefault("LaunchTemplateName", "");
    if (!name.matches("[a-zA-Z0-9().\\-/_]{3,128}")) {
      throw new Refusal(400, "InvalidLaunchTemplateName.MalformedException",
          "A launch template name must be between 3 and 128 characters, and may contain only"
          + " letters, numbers, and the following characters: - ( ) . / _.'");
    }
    String token = p.getOrDefault("ClientToken", "");
    Template seen = byName.get(name);
    if (seen != null) {
      if (!token.isEmpty() && token.equals(seen.clientToken())) {
        return answer("CreateLaunchTemplateResponse", seen);
      }
      throw new Refusal(400, "InvalidLaunchTemplateName.AlreadyExistsException",
          "Launch template name already in use.");
    }
    Map<String, String> data = new LinkedHashMap<>();
    p.forEach((k, v) -> {
      if (k.startsWith(DATA)) {
        data.put(k.substring(DATA.length()), v);
      }
    });
    if (!data.getOrDefault("ImageId", "").startsWith("ami-")) {
      throw new Refusal(400, "InvalidAMIID.Malformed", "Invalid id: \""
          + data.getOrDefault("ImageId", "") + "\"");
    }
    Map<String, String> tags = "launch-template".equals(p.get("TagSpecification.1.ResourceType"))
        ? FakeAws.tagList(p, "TagSpecification.1.Tag") : Map.of();
    Template made = new Template(String.format("lt-%017x", nextId++), name, token,
        Map.copyOf(data), Map.copyOf(tags), now);
    byName.put(name, made);
    return answer("CreateLaunchTemplateResponse", made);
  }

  private Answer describe(Map<String, String> p) {
    List<String> names = FakeAws.list(p, "LaunchTemplateName");
    for (String n : names) {
      if (!byName.containsKey(n)) {
        throw notFound();
      }
    }
    StringBuilder x = new StringBuilder("<DescribeLaunchTemplatesResponse xmlns=\""
        + FakeAws.EC2_NS + "\"><requestId>req-1</requestId><launchTemplates>");
    byName.values().stream().filter(t -> names.isEmpty() || names.contains(t.name()))
        .forEach(t -> x.append("<item>").append(fields(t)).append("</item>"));
    return new Answer(200, x.append("</launchTemplates></DescribeLaunchTemplatesResponse>")
        .toString());
  }

  private Answer delete(Map<String, String> p) {
    Template t = byName.remove(p.getOrDefault("LaunchTemplateName", ""));
    if (t == null) {
      throw notFound();
    }
    return answer("DeleteLaunchTemplateResponse", t);
  }

  private static Refusal notFound() {
    return new Refusal(400, "InvalidLaunchTemplateName.NotFoundException", "At least one of the"
        + " launch templates specified in the request does not exist.");
  }

  private static Answer answer(String root, Template t) {
    return new Answer(200, "<" + root + " xmlns=\"" + FakeAws.EC2_NS + "\"><requestId>req-1"
        + "</requestId><launchTemplate>" + fields(t) + "</launchTemplate></" + root + ">");
  }

  private static String fields(Template t) {
    StringBuilder x = new StringBuilder("<launchTemplateId>").append(t.id())
        .append("</launchTemplateId><launchTemplateName>").append(esc(t.name()))
        .append("</launchTemplateName><createTime>").append(t.created())
        .append("</createTime><createdBy>arn:aws:iam::123456789012:root</createdBy>")
        .append("<defaultVersionNumber>1</defaultVersionNumber><latestVersionNumber>1")
        .append("</latestVersionNumber><tagSet>");
    t.tags().forEach((k, v) -> x.append("<item><key>").append(esc(k)).append("</key><value>")
        .append(esc(v)).append("</value></item>"));
    return x.append("</tagSet>").toString();
  }
}
