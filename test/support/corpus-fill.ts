// Filling GitHub's [private] slots with synthetic personal data of the type each slot held, the
// same for the same notice on every run (test/unit/publication-corpus.test.ts).
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
const pick = <T>(list: readonly T[], h: number, salt: number): T => list[(Math.imul(h ^ salt, 2654435761) >>> 0) % list.length]!;

const FIRST = [
  'Marisol',
  'Teodor',
  'Ingrid',
  'Oluwaseun',
  'Priyanka',
  'Bartholomew',
  'Svetlana',
  'Anselm',
  'Juliette',
  'Kwabena',
  'Henrike',
  'Thaddeus',
  'Søren',
  'Zofia',
  'Itzel',
  'Leopold',
];
const LAST = [
  'Okonkwo',
  'Lindqvist',
  'Vasquez-Moreau',
  'Abernathy',
  'Takahashi',
  'Brennagh',
  'Kowalczyk',
  'Ødegaard',
  'Fairweather',
  'Castellanos',
  'Delacroix',
  'Muthoni',
  'Haverkamp',
  'Quintanilla',
];
const DOMAINS = ['inbox.example', 'mailbox.test', 'gmail.com', 'post.example.org'];
const CITIES = ['Springfield', 'Riverton', 'Fairview', 'Kingsbury', 'Ashford'];
const STATES = ['OR', 'IL', 'TX', 'CO', 'NY'];
const STREETS = ['Evergreen', 'Larkspur', 'Old Mill', 'Juniper', 'Harbor View'];
const SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Boulevard', 'Terrace', 'Court'];

export interface Person {
  name: string;
  /** Another person: the one who signs, for the slots the text labels as a name (see labelledNameSlots). */
  signer: string;
  email: string;
  phone: string;
  address: string;
  /** The parts of the address that identify it (street with number, postcode): none may survive. */
  addressParts: string[];
  slug: string;
}

export function person(id: string): Person {
  const h = hash(id);
  const first = pick(FIRST, h, 1);
  const last = pick(LAST, h, 2);
  const n = 10 + (h % 9000);
  const zip = String(10000 + ((h >>> 3) % 89999));
  const street = `${n} ${pick(STREETS, h, 3)} ${pick(SUFFIXES, h, 4)}`;
  const city = pick(CITIES, h, 5);
  const st = pick(STATES, h, 6);
  const d4 = String(1000 + ((h >>> 5) % 8999));
  const addresses: [string, string[]][] = [
    [`${street}, ${city}, ${st} ${zip}`, [street, `${st} ${zip}`]],
    [`${street}, Suite ${(h % 900) + 100}, ${city}, ${st} ${zip}-${d4}`, [street, `${st} ${zip}`]],
    [
      `${(h % 300) + 1}B ${pick(STREETS, h, 7)} Street, London NW${(h % 9) + 1} ${(h % 9) + 1}XE`,
      [`${(h % 300) + 1}B ${pick(STREETS, h, 7)} Street`, `NW${(h % 9) + 1} ${(h % 9) + 1}XE`],
    ],
    [`Lindenstraße ${(h % 200) + 1}, ${zip} Berlin`, [`Lindenstraße ${(h % 200) + 1}`, `${zip} Berlin`]],
    [`${(h % 90) + 1} rue des Lilas, ${zip} Paris`, [`${(h % 90) + 1} rue des Lilas`, `${zip} Paris`]],
    [`PO Box ${n}, ${city}, ${st} ${zip}`, [`PO Box ${n}`, `${st} ${zip}`]],
  ];
  const [address, addressParts] = pick(addresses, h, 8);
  const area = 200 + (h % 700);
  const phones = [
    `+1 (${area}) 555-${d4}`,
    `${area}-555-${d4}`,
    `${area}.555.${d4}`,
    `+44 20 7946 ${d4}`,
    `+49 30 ${zip}${(h % 90) + 10}`,
    `(${area}) 555 ${d4}`,
  ];
  const ascii = (s: string) => s.normalize('NFD').replace(/[^\w]/g, '').toLowerCase();
  return {
    name: `${first} ${last}`,
    signer: `${pick(FIRST, h, 11) === first ? 'Amadeus' : pick(FIRST, h, 11)} ${pick(LAST, h, 12) === last ? 'Brightwater' : pick(LAST, h, 12)}`,
    email: `${ascii(first)}.${ascii(last)}@${pick(DOMAINS, h, 9)}`,
    phone: pick(phones, h, 10),
    address,
    addressParts,
    slug: `${ascii(first).slice(0, 4)}${ascii(last).slice(0, 4)}${h % 97}`,
  };
}

export type Slot = 'name' | 'email' | 'phone' | 'address' | 'slug';

/** What a [private] slot held, from the words before it (GitHub left those). */
export function slotType(text: string, at: number): Slot {
  const before = text.slice(Math.max(0, at - 40), at);
  const token = /\S*$/.exec(before)![0];
  const after = /^\[private\](\S*)/.exec(text.slice(at))![1]!;
  if (/:\/\/|^www\.|\.[a-z]{2,}\/|\/$/i.test(token) || after.startsWith('@') || token.endsWith('@') || /^\/\w/.test(after)) return 'slug';
  const ctx = before.toLowerCase();
  if (/e-?mail|mailto:|mail\s*:|@\s*$/.test(ctx.slice(-25))) return 'email';
  if (/phone|\btel\b|tel[.:]|fax|mobile|cell|whatsapp|contact number/.test(ctx.slice(-25))) return 'phone';
  if (/address|located at|reside at|live at/.test(ctx.slice(-25))) return 'address';
  return 'name';
}

/** The text with every slot filled; with `signer`, the labelled name slots get the signer's name. */
export function fill(text: string, p: Person, opts: { signer?: boolean } = {}): { text: string; used: Set<Slot> } {
  const used = new Set<Slot>();
  const labelled = new Set(opts.signer ? labelledNameSlots(text) : []);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/\[private\]/g)) {
    const t = slotType(text, m.index);
    used.add(t);
    const value = labelled.has(m.index) ? p.signer : t === 'phone' && text[m.index - 1] === '+' ? p.phone.replace(/^\+/, '') : p[t];
    out += text.slice(last, m.index) + value;
    last = m.index + m[0].length;
  }
  return { text: out + text.slice(last), used };
}

// The test's own reading of the original: URLs and company names as a reader would point at them.
export const urlsOf = (text: string) =>
  [...text.matchAll(/https?:\/\/[^\s<>"“”`]+/g)]
    .map((m) => {
      let u = m[0].replace(/[.,;:!?*']+$/, '');
      // A closing bracket ends the URL unless the URL opened one: "(see https://x.example/a)".
      for (const [open, close] of ['()', '[]']) {
        while (u.endsWith(close!) && u.split(open!).length < u.split(close!).length) u = u.slice(0, -1).replace(/[.,;:!?*]+$/, '');
      }
      return u;
    })
    .filter((u) => !u.includes('[private]') && u.length > 10);

/** A page however it is written: without scheme, www., fragment, trailing slash or case. */
export const samePage = (u: string) =>
  u
    .replace(/^https?:\/\/(www\.)?/i, '')
    .replace(/#.*$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
export const companiesOf = (text: string) => [
  ...new Set(
    [...text.matchAll(/\b(?:[A-Z][\w&'-]*[ \t]){0,2}[A-Z][\w&'-]*,?[ \t](?:Inc|LLC|Ltd|GmbH|Corporation|Limited|s\.r\.o)(?![A-Za-z])/g)].map((m) => m[0]),
  ),
];

/** Whether a name written alone on the line under a closing, or after /s/, "Name:", "my name is" — where the text itself says it is a name. */
export function labelledNameSlots(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\[private\]/g)) {
    const before = text.slice(Math.max(0, m.index - 30), m.index);
    const lineAfter = /^\[private\][ \t]*(?:\r?\n|$)/.test(text.slice(m.index));
    if (/(?:\/s\/|my name is|\bname:)[ \t]*$/i.test(before)) out.push(m.index);
    else if (
      lineAfter &&
      /(?:^|\n)[ \t]*(?:(?:best |kind )?regards|sincerely(?: yours)?|respectfully|yours truly|thank you)[ \t]*,?[ \t]*\r?\n[ \t]*$/i.test(before)
    )
      out.push(m.index);
  }
  return out;
}
