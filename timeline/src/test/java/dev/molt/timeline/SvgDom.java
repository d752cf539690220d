package dev.molt.timeline;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A drawn picture parsed as XML, to query with XPath: {@code //line[@class='step-boundary']}. */
final class SvgDom {
  private final Document doc;

  private SvgDom(Document doc) {
    this.doc = doc;
  }

  /**
   * Parses the text as XML.
   *
   * @throws AssertionError if it is not well-formed
   */
  static SvgDom parse(String svg) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(false);
      return new SvgDom(f.newDocumentBuilder()
          .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))));
    } catch (Exception e) {
      throw new AssertionError("the picture is not well-formed XML: " + e.getMessage(), e);
    }
  }

  /** @return the elements {@code xpath} selects, in document order */
  List<Element> all(String xpath) {
    try {
      NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath()
          .evaluate(xpath, doc, XPathConstants.NODESET);
      List<Element> out = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        out.add((Element) nodes.item(i));
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("bad XPath " + xpath + ": " + e.getMessage(), e);
    }
  }

  /** @return the values of {@code attribute} of what {@code xpath} selects */
  List<String> attributes(String xpath, String attribute) {
    return all(xpath).stream().map(e -> e.getAttribute(attribute)).toList();
  }

  /** @return the root element */
  Element root() {
    return doc.getDocumentElement();
  }
}
