// A small XML well-formedness check for the chart tests: balanced tags, one root, quoted attributes, and no raw
// '<' or stray '&' in text or attribute values. Not a validating parser.
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const NAME = /^[A-Za-z_:][\w.:-]*$/;

export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let roots = 0;
  let position = 0;
  const checkText = (text: string, where: string) => {
    if (text.includes('<')) problems.push(`raw '<' in ${where}: ${text.slice(0, 60)}`);
    if (text.replace(ENTITY, '').includes('&')) problems.push(`raw '&' in ${where}: ${text.slice(0, 60)}`);
  };
  while (position < xml.length) {
    const next = xml.indexOf('<', position);
    const text = xml.slice(position, next < 0 ? xml.length : next);
    if (text.trim() !== '') {
      if (open.length === 0) problems.push(`text outside the root element: ${text.slice(0, 60)}`);
      checkText(text, 'text');
    }
    if (next < 0) break;
    if (xml.startsWith('<!--', next) || xml.startsWith('<?', next)) {
      const end = xml.indexOf(xml.startsWith('<!--', next) ? '-->' : '?>', next);
      if (end < 0) return [...problems, 'unterminated comment or declaration'];
      position = end + 2;
      continue;
    }
    const end = findTagEnd(xml, next);
    if (end < 0) return [...problems, `unterminated tag at ${next}`];
    const tag = xml.slice(next + 1, end);
    position = end + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const expected = open.pop();
      if (name !== expected) problems.push(`</${name}> closes <${expected ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = body.split(/\s/, 1)[0];
    if (!NAME.test(name)) problems.push(`bad element name '${name}'`);
    const attributes = body.slice(name.length);
    const seen = new Set<string>();
    const attribute = /\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/y;
    let index = 0;
    for (;;) {
      attribute.lastIndex = index;
      const match = attribute.exec(attributes);
      if (!match) break;
      if (seen.has(match[1])) problems.push(`duplicate attribute ${match[1]} on <${name}>`);
      seen.add(match[1]);
      checkText(match[3] ?? match[4] ?? '', `attribute ${match[1]} of <${name}>`);
      index = attribute.lastIndex;
    }
    if (attributes.slice(index).trim() !== '')
      problems.push(`malformed attributes on <${name}>: ${attributes.slice(index, index + 60)}`);
    if (open.length === 0) roots += 1;
    if (!selfClosing) open.push(name);
  }
  if (open.length > 0) problems.push(`unclosed elements: ${open.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

// The '>' that ends the tag, skipping any inside quoted attribute values.
function findTagEnd(xml: string, from: number): number {
  let quote: string | null = null;
  for (let i = from + 1; i < xml.length; i += 1) {
    const char = xml[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '>') {
      return i;
    } else if (char === '<') {
      return -1;
    }
  }
  return -1;
}
