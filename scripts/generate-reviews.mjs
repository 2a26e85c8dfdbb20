#!/usr/bin/env node
// Writes the demo project's raw data: data/reviews.csv (400 customer reviews of Kestrel Home, an online
// kitchen and home-electronics shop) and data/products.csv (the catalogue they join to).
//
// Deterministic: a seeded PRNG, no clock, no dependencies. Running it twice gives byte-identical files, so a
// changed CSV in a diff always means a changed generator.
//
//   node scripts/generate-reviews.mjs            # writes data/ at the project root (this script's ../data)
//   node scripts/generate-reviews.mjs --seed 7   # a different but equally deterministic data set
//
// What the data is built to exercise:
// - star ratings that correlate with the text (and a few that do not, as in real life);
// - complaints drawn from the issue categories in context/product_taxonomy.md, with product-specific detail;
// - two quality incidents that show up as a time trend (an ice-maker bad batch, a kettle firmware update);
// - very short texts ("ok", "meh") that the `min_length` var filters out, some padded with whitespace;
// - double submissions (same customer, product and text) that reviews_clean deduplicates;
// - commas, double quotes and a few line breaks, so CSV quoting is exercised.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOTAL_REVIEWS = 400;
const SHORT_REVIEWS = 14;
const DOUBLE_SUBMISSIONS = 7;
const CUSTOMERS = 290;
const YEAR_START = '2025-01-01';
const YEAR_END = '2025-12-20';

// ---------------------------------------------------------------------------------------------------------
// PRNG (mulberry32) and helpers

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedArg = process.argv.indexOf('--seed');
const SEED = seedArg > -1 ? Number(process.argv[seedArg + 1]) : 20250101;
if (!Number.isInteger(SEED)) {
  console.error('--seed must be an integer');
  process.exit(2);
}
const random = mulberry32(SEED);

const chance = (p) => random() < p;
const pick = (list) => list[Math.floor(random() * list.length)];
const intBetween = (min, max) => min + Math.floor(random() * (max - min + 1));
function pickWeighted(items, weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i];
    if (r < 0) return items[i];
  }
  return items[items.length - 1];
}
function pickOther(list, not) {
  const rest = list.filter((x) => x !== not);
  return rest.length ? pick(rest) : not;
}

const DAY_MS = 86_400_000;
const toDay = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const toIso = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

// Keeps "I", acronyms and shouted text as they are.
const lowerFirst = (s) => (/^(I\b|[A-Z]{2})/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));

// Fills {slot} placeholders: {n} small count, {weeks}, {days}, {hours}, {minutes}, plus product slots.
function fill(template, product) {
  return template
    .replaceAll('{part}', () => pick(product.parts))
    .replaceAll('{fragile}', () => pick(product.fragile))
    .replaceAll('{noun}', product.noun)
    .replaceAll('{days}', () => String(intBetween(4, 16)))
    .replaceAll('{weeks}', () => String(intBetween(2, 9)))
    .replaceAll('{hours}', () => String(intBetween(2, 9)))
    .replaceAll('{minutes}', () => String(intBetween(12, 45)));
}

// ---------------------------------------------------------------------------------------------------------
// The catalogue. `ratings` are relative weights for 1..5 stars; `issues` are this product's typical
// complaints keyed by taxonomy category; `nits` are the small gripes of 4-star reviews; `neutral` lines make
// flat 3-star reviews; `incident` shifts ratings and complaints after a date.

const PRODUCTS = [
  {
    name: 'Aurora Espresso Machine',
    category: 'Coffee',
    launch: '2024-09-16',
    price: 349.0,
    volume: 60,
    ratings: [5, 6, 11, 30, 48],
    noun: 'espresso machine',
    parts: ['tamper', 'milk jug', 'double-shot basket', 'descaling kit'],
    fragile: ['drip tray', 'water tank', 'steam wand cover'],
    praise: [
      'It pulls a genuinely good shot once you dial in the grind.',
      'The steam wand makes proper microfoam, my flat whites finally look the part.',
      'It heats up in under a minute, which matters at 6am.',
      'Marketing calls it "barista quality", and honestly, it is close.',
      'Solid build, the portafilter feels heavy and well made.',
      'I replaced a pod machine with this and I am not going back.',
      'It is easy to clean, the drip tray and water tank both come out without a fight.',
    ],
    neutral: [
      'There is a learning curve with grind size and dose.',
      'Takes up more counter space than I expected.',
      'Does what an entry-level espresso machine should do.',
    ],
    nits: ['The cup clearance is too low for a travel mug.', 'The tamper it comes with is flimsy plastic.', 'The pressure gauge is more decoration than information.'],
    issues: {
      leaks: [
        'Water pools under the machine after every use, the drip tray seal does not sit flush.',
        'The water tank leaks from the valve at the bottom, I keep a towel under it now.',
        'Steam wand drips constantly even when the knob is fully closed.',
      ],
      noise: [
        'The pump is much louder than I expected, it wakes up the whole flat.',
        'Makes a loud rattling noise while pulling a shot.',
      ],
      durability: [
        'The pump died after {weeks} weeks, no pressure at all now.',
        'Stopped heating properly after about {weeks} weeks of one coffee a day.',
      ],
    },
  },
  {
    name: 'Nimbus Cordless Stick Vacuum',
    category: 'Floorcare',
    launch: '2024-03-04',
    price: 229.0,
    volume: 50,
    ratings: [8, 10, 14, 30, 38],
    noun: 'vacuum',
    parts: ['crevice tool', 'wall mount', 'pet hair brush', 'charger'],
    fragile: ['dust bin', 'wand', 'wall mount'],
    praise: [
      'It picks up dog hair from the rug in one pass.',
      'It is light enough that I actually vacuum the stairs now.',
      'Suction on the max setting is excellent for a cordless.',
      'Emptying the bin is quick and mess-free.',
      'The wall mount keeps it charged and out of the way.',
    ],
    neutral: [
      'The bin is on the small side for a big house.',
      'Works fine on hard floors, average on thick carpet.',
    ],
    nits: ['The bin is on the small side.', 'The charging light is blinding at night.', 'Hair wraps around the brush roll on long-haired rugs.'],
    issues: {
      battery_life: [
        'Battery lasts about {minutes} minutes on normal mode, not the 60 advertised.',
        'On max power the battery is flat in 8 minutes, I cannot finish one room.',
        'Battery life dropped by half after {weeks} weeks.',
      ],
      noise: ['It is very loud on max, the dog runs away every time.'],
      durability: [
        'The roller brush stopped spinning after {weeks} weeks.',
        'The trigger button cracked within a couple of months.',
      ],
    },
  },
  {
    name: 'Ember Smart Kettle',
    category: 'Kitchen',
    launch: '2024-11-11',
    price: 89.0,
    volume: 46,
    ratings: [6, 7, 12, 32, 43],
    noun: 'kettle',
    parts: ['base', 'limescale filter', 'power cord'],
    fragile: ['lid', 'base', 'glass panel'],
    praise: [
      'Setting the exact temperature for green tea is a game changer.',
      'It boils a full litre in about three minutes.',
      'Keep-warm mode is handy when I forget about it.',
      'It looks great on the counter, the matte finish does not show fingerprints.',
      'Scheduling a boil from the app before I get up is a small luxury.',
    ],
    neutral: ['The app is optional, the buttons on the base do everything.', 'It is a kettle, it boils water.'],
    nits: ['The beep when it finishes is loud and cannot be turned off.', 'The handle gets warm near the top.'],
    issues: {
      app_connectivity: [
        'Since the August firmware update the app says "kettle not found", every single morning.',
        'The kettle drops off the Wi-Fi overnight and the scheduled boil never happens.',
        'Pairing with the app failed {n} times before it worked.',
      ],
      leaks: ['Water drips from the lid seal when pouring.', 'A small puddle forms under the base after boiling.'],
      durability: ['The lid hinge broke after {weeks} weeks.'],
    },
    incident: { from: '2025-08-12', issue: 'app_connectivity', share: 0.55 },
  },
  {
    name: 'Breeze Air Purifier',
    category: 'Air Quality',
    launch: '2024-05-20',
    price: 179.0,
    volume: 36,
    ratings: [6, 8, 14, 34, 38],
    noun: 'air purifier',
    parts: ['HEPA filter', 'carbon pre-filter', 'remote'],
    fragile: ['front grille', 'control panel'],
    praise: [
      'My hay fever has been noticeably better since I started running it overnight.',
      'The air quality light is a nice touch, it reacts when I cook.',
      'It clears the smell from the litter box corner within minutes.',
      'Filter changes take ten seconds.',
    ],
    neutral: ['Replacement filters are not cheap.', 'Hard to say how much it does, but the room smells fresher.'],
    nits: ['Replacement filters are not cheap.', 'The display is bright at night, you can only dim it in the app.'],
    issues: {
      noise: [
        'The "sleep mode" is anything but quiet, it hums at about the level of a fridge.',
        'There is a high-pitched whine on the medium setting.',
      ],
      app_connectivity: ['The app loses the purifier every few days and I have to re-pair it.'],
    },
  },
  {
    name: 'Orbit Robot Vacuum',
    category: 'Floorcare',
    launch: '2024-10-07',
    price: 399.0,
    volume: 50,
    ratings: [10, 10, 15, 30, 35],
    noun: 'robot vacuum',
    parts: ['side brushes', 'charging dock', 'spare filter'],
    fragile: ['bumper', 'charging dock', 'lid'],
    praise: [
      'It mapped the whole flat on the first run and the room-by-room cleaning works.',
      'It docks itself after every run and I barely sweep anymore.',
      'It handles the transition from tiles to rugs without getting stuck.',
      'Scheduling is simple and it has not missed a day.',
    ],
    neutral: ['It is fine for daily tidying, not for deep cleaning.', 'Needs a tidy floor before it runs, like any robot.'],
    nits: ['The dust bin is small, it needs emptying every other day.', 'It misses the corners a bit.'],
    issues: {
      app_connectivity: [
        'The app keeps saying "robot offline" even when it is sitting on the dock.',
        'Lost the saved map twice after app updates, had to remap the whole flat.',
      ],
      battery_life: [
        'Battery runs out before it finishes the living room and it never resumes.',
        'Runtime dropped to about {minutes} minutes after a few months.',
      ],
      other: ['Gets stuck under the sofa every single run.', 'Keeps eating phone chargers and tassels off the rug.'],
    },
  },
  {
    name: 'Cinder Air Fryer',
    category: 'Kitchen',
    launch: '2024-02-12',
    price: 129.0,
    volume: 56,
    ratings: [8, 8, 12, 32, 40],
    noun: 'air fryer',
    parts: ['crisper plate', 'recipe booklet', 'divider'],
    fragile: ['basket handle', 'display', 'door'],
    praise: [
      'Chips come out crisp in fifteen minutes without a litre of oil.',
      'The dual basket means dinner is ready at the same time.',
      'It reheats pizza better than the oven.',
      'Basket is dishwasher safe, cleanup is quick.',
      'It preheats fast and the presets are sensible.',
    ],
    neutral: ['The basket is smaller than the pictures suggest.', 'Cooks a little hotter than the recipes assume.'],
    nits: ['The basket is smaller than the pictures suggest.', 'The end-of-cooking beep is very loud.'],
    issues: {
      durability: [
        'The non-stick coating started peeling after {weeks} weeks.',
        'The basket handle came loose after a couple of months.',
      ],
      noise: ['The fan rattles loudly for the first few minutes.'],
      other: [
        'Strong plastic smell for the first few uses, even after the burn-in.',
        'The display is unreadable from any angle other than straight on.',
      ],
    },
  },
  {
    name: 'Pulse Pro Blender',
    category: 'Kitchen',
    launch: '2024-06-03',
    price: 149.0,
    volume: 36,
    ratings: [9, 9, 15, 30, 37],
    noun: 'blender',
    parts: ['tamper', 'to-go cup', 'lid cap'],
    fragile: ['jar', 'lid', 'base'],
    praise: [
      'It crushes ice and frozen fruit in seconds, smoothies are silky.',
      'It makes nut butter without the motor straining.',
      'The pulse control is precise, great for salsa.',
      'Cleaning is just warm water, a drop of soap and ten seconds on high.',
    ],
    neutral: ['It is tall, does not fit under my cabinets.', 'Good blender, nothing special for the price.'],
    nits: ['It is tall and does not fit under my cabinets.', 'It is loud, but every powerful blender is.'],
    issues: {
      noise: ['Incredibly loud, like a leaf blower in the kitchen.', 'Loud enough that I cannot use it before the kids are up.'],
      leaks: ['The jar leaks at the base where the blade assembly screws in.', 'Liquid seeps out of the lid when it is more than half full.'],
      durability: ['Motor started smelling of burning after {weeks} weeks, now it cuts out.'],
    },
  },
  {
    name: 'Frost Countertop Ice Maker',
    category: 'Kitchen',
    launch: '2025-03-10',
    price: 159.0,
    volume: 30,
    ratings: [12, 12, 16, 30, 30],
    noun: 'ice maker',
    parts: ['ice scoop', 'drain plug', 'basket'],
    fragile: ['lid window', 'ice basket'],
    praise: [
      'First batch of ice in about eight minutes, then it just keeps going.',
      'It is perfect for summer parties, the basket filled up in an hour.',
      'It has a small footprint and fits next to the coffee machine.',
    ],
    neutral: ['The ice is bullet shaped and melts fairly fast.', 'You have to drain it if you will not use it for a few days.'],
    nits: ['The ice melts back into the reservoir if you do not empty the basket.', 'The lid window fogs up so you cannot see the ice level.'],
    issues: {
      leaks: [
        'Leaks water from the bottom drain plug, soaked the counter overnight.',
        'Water seeps out of the reservoir onto the counter, found a puddle every morning.',
      ],
      noise: ['The compressor buzzes and the ice drop clatters all evening.'],
      durability: ['Stopped making ice after {weeks} weeks, the fan runs but nothing freezes.'],
    },
    incident: { from: '2025-06-16', issue: 'leaks', share: 0.6 },
  },
  {
    name: 'Tempo Bluetooth Speaker',
    category: 'Audio',
    launch: '2023-10-02',
    price: 119.0,
    volume: 24,
    ratings: [6, 8, 14, 34, 38],
    noun: 'speaker',
    parts: ['charging cable', 'carry strap'],
    fragile: ['grille', 'charging port cover'],
    praise: [
      'It has a surprisingly big sound for the size, the bass is tight.',
      'It survived a fall into the pool, still plays perfectly.',
      'It pairs instantly with my phone every time.',
    ],
    neutral: ['The app adds an EQ but not much else.', 'Sound is good, not audiophile good.'],
    nits: ['The power-on sound is far too loud.', 'It picks up fingerprints and dust easily.'],
    issues: {
      battery_life: [
        'Advertised as "20-hour battery", I get maybe 9 hours at half volume.',
        'Battery drains even when switched off, always flat when I grab it.',
      ],
      app_connectivity: ['Stereo pairing two speakers through the app only works half the time.'],
      durability: ['The charging port stopped working after {weeks} weeks.'],
    },
  },
  {
    name: 'Halo Smart Kitchen Scale',
    category: 'Smart Kitchen',
    launch: '2025-01-27',
    price: 49.0,
    volume: 12,
    ratings: [8, 8, 16, 34, 34],
    noun: 'scale',
    parts: ['batteries', 'measuring bowl'],
    fragile: ['glass top', 'display'],
    praise: [
      'It is accurate to the gram, my bread is finally consistent.',
      'The recipe mode in the app that scales ingredients is brilliant.',
      'Tare button is responsive and the display is easy to read.',
    ],
    neutral: ['Does the job, I never use the app.'],
    nits: ['The display turns off too quickly while you are still adding flour.', 'The app asks for an account just to weigh things.'],
    issues: {
      battery_life: ['Goes through coin batteries every few weeks.'],
      app_connectivity: ['Bluetooth connection to the app drops mid-recipe.'],
      other: ['Readings drift by a few grams if you leave something on it for a minute.'],
    },
  },
];

// Complaints every product can get; {part} and {fragile} are filled per product.
const SHARED_ISSUES = {
  shipping_damage: [
    'The box arrived crushed and the {fragile} was cracked.',
    'Arrived with a dent in the side, the outer carton was soaked through.',
    'The courier clearly dropped it, the {fragile} was in pieces.',
    'Packaging was a single thin box, no padding, and the {fragile} was scratched.',
  ],
  missing_parts: [
    'The {part} was missing from the box.',
    'No {part} in the box even though the product page lists it.',
    'Box was missing the {part}, I had to order one separately.',
  ],
  customer_service: [
    'Support took {days} days to answer my email and then sent a copy-paste reply.',
    'I called support twice and got disconnected both times.',
    'Customer service asked me for photos three times before opening a claim.',
    'The chat agent promised a callback that never came.',
    'Returns told me it was "outside the policy" even though it was 20 days old.',
  ],
};
const SHARED_WEIGHTS = { shipping_damage: 0.09, missing_parts: 0.07, customer_service: 0.1 };

const GOOD_SERVICE = [
  'To be fair, support sent a replacement within a week.',
  'Customer service sorted it out quickly, credit where due.',
  'The store swapped it on the spot, no questions asked.',
];
const POSITIVE_CLOSERS = ['Would buy again.', 'Highly recommend.', 'Five stars from me.', 'Really happy with it.', 'Great value for the price.', ''];
const NEGATIVE_CLOSERS = ['Returning it.', 'Would not recommend.', 'Really disappointed.', 'Save your money.', 'Not what I paid for.', ''];
const MIXED_CLOSERS = ['Overall fine, but not perfect.', 'Mixed feelings.', 'Would give 3.5 if I could.', 'Keeping it for now.', ''];
const NIT_LEADS = ['Only complaint: ', 'Minor gripe, ', 'One thing: ', 'If I am picky, '];
const GENERIC_ONE_LINERS = {
  5: ['Does exactly what it says. Would buy again.', 'Great product, fast delivery.', 'Love it, use it every day.'],
  4: ['Good product, fast delivery.', 'Works well, happy with it.'],
  3: ['It is okay, nothing special.', 'Average, does the job.'],
  2: ['Not great, expected more for the price.'],
  1: ['Broke quickly, very disappointed.', 'Terrible, do not buy.'],
};
// Texts the min_length var (10 characters) is there to remove; some carry whitespace that trim() must see.
const SHORT_TEXTS = [
  ['ok', 3], ['meh', 2], ['Good.', 4], ['fine', 3], ['5 stars', 5], ['Love it!', 5], ['nope', 1],
  ['Broken.', 1], ['great', 5], ['A+', 5], ['Meh!!', 2], ['   ok   ', 3], ['Perfect ', 5], [' bad', 1],
];
// Kept on purpose: 10+ characters only once trimmed, or long enough to pass, with stray whitespace.
const PADDED_TEXTS = [['  Works great, no complaints.  ', 5], ['Works fine.', 4], ['  Not worth it. ', 2]];

// ---------------------------------------------------------------------------------------------------------
// Review composition

function issueCategoriesOf(product) {
  const own = Object.keys(product.issues).map((c) => [c, 1 / Object.keys(product.issues).length]);
  const ownShare = 1 - Object.values(SHARED_WEIGHTS).reduce((a, b) => a + b, 0);
  return [...own.map(([c, w]) => [c, w * ownShare]), ...Object.entries(SHARED_WEIGHTS)];
}

function issueSentence(product, category) {
  const pool = product.issues[category] ?? SHARED_ISSUES[category];
  return fill(pick(pool), product).replaceAll('{n}', String(intBetween(3, 6)));
}

function pickIssue(product, incidentActive) {
  if (incidentActive) return product.incident.issue;
  const cats = issueCategoriesOf(product);
  return pickWeighted(cats.map(([c]) => c), cats.map(([, w]) => w));
}

function compose(product, rating, incidentActive) {
  const praise = () => fill(pick(product.praise), product);
  const sentences = [];
  if (rating === 5) {
    sentences.push(praise());
    if (chance(0.6)) sentences.push(fill(pickOther(product.praise, sentences[0]), product));
    sentences.push(pick(POSITIVE_CLOSERS));
  } else if (rating === 4) {
    sentences.push(praise());
    if (chance(0.65)) {
      const nit = chance(0.75) ? pick(product.nits) : issueSentence(product, pickIssue(product, false));
      sentences.push(pick(NIT_LEADS) + lowerFirst(nit));
    } else {
      sentences.push(fill(pickOther(product.praise, sentences[0]), product));
    }
    if (chance(0.3)) sentences.push(pick(POSITIVE_CLOSERS));
  } else if (rating === 3) {
    if (chance(0.35)) {
      sentences.push(pick(product.neutral));
      if (chance(0.5)) sentences.push(pickOther(product.neutral, sentences[0]));
    } else {
      const issue = pickIssue(product, incidentActive);
      const first = issueSentence(product, issue);
      sentences.push(chance(0.5) ? praise() : first);
      sentences.push(sentences[0] === first ? `That said, ${lowerFirst(praise())}` : `But ${lowerFirst(first)}`);
      if (issue !== 'customer_service' && chance(0.2)) sentences.push(pick(GOOD_SERVICE));
    }
    sentences.push(pick(MIXED_CLOSERS));
  } else {
    const issue = pickIssue(product, incidentActive);
    sentences.push(issueSentence(product, issue));
    if (rating === 1 && chance(0.55)) {
      const second = chance(0.6) ? 'customer_service' : pickIssue(product, false);
      if (second !== issue) sentences.push(issueSentence(product, second));
    }
    if (rating === 2 && chance(0.45)) sentences.push(`${pick(['Shame, because otherwise it is good.', 'Which is a pity.', 'Otherwise decent.'])} ${praise()}`);
    sentences.push(pick(NEGATIVE_CLOSERS));
  }
  return sentences.filter(Boolean).join(' ');
}

// Small realistic noise: shouting, missing final punctuation, a paragraph break in longer reviews.
function roughen(text, channel) {
  if (channel === 'app' && chance(0.15)) text = text.replace(/[.!]$/, '');
  if (chance(0.02)) text = text.toUpperCase();
  if (text.length > 140 && chance(0.04)) {
    const cut = text.indexOf('. ', 60);
    if (cut > 0) text = `${text.slice(0, cut + 1)}\n\n${text.slice(cut + 2)}`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// Rows

const customerIds = Array.from({ length: CUSTOMERS }, (_, i) => `c${String(1001 + i)}`);
// Skewed so a handful of loyal customers review several products.
const pickCustomer = () => customerIds[Math.floor(Math.pow(random(), 1.6) * customerIds.length)];
const pickChannel = () => pickWeighted(['web', 'app', 'store'], [55, 30, 15]);

function pickDate(product) {
  const start = Math.max(toDay(YEAR_START), toDay(product.launch) + 7);
  return intBetween(start, toDay(YEAR_END));
}

const productWeights = PRODUCTS.map((p) => p.volume);
const rows = [];
const baseCount = TOTAL_REVIEWS - SHORT_REVIEWS - DOUBLE_SUBMISSIONS - PADDED_TEXTS.length;

for (let i = 0; i < baseCount; i++) {
  const product = pickWeighted(PRODUCTS, productWeights);
  const day = pickDate(product);
  const incidentActive = Boolean(product.incident && day >= toDay(product.incident.from) && chance(product.incident.share));
  let rating = incidentActive ? pickWeighted([1, 2, 3], [5, 4, 1]) : pickWeighted([1, 2, 3, 4, 5], product.ratings);
  const channel = pickChannel();
  let text;
  if (chance(0.05)) {
    text = pick(GENERIC_ONE_LINERS[rating]);
  } else {
    text = roughen(compose(product, rating, incidentActive), channel);
  }
  // About 2% of people click the wrong star: the text says one thing, the rating another.
  if (chance(0.02)) rating = 6 - rating;
  rows.push({ product: product.name, customer_id: pickCustomer(), rating, day, channel, review_text: text });
}

for (const [text, rating] of SHORT_TEXTS) {
  const product = pickWeighted(PRODUCTS, productWeights);
  rows.push({ product: product.name, customer_id: pickCustomer(), rating, day: pickDate(product), channel: pick(['app', 'store']), review_text: text });
}
for (const [text, rating] of PADDED_TEXTS) {
  const product = pickWeighted(PRODUCTS, productWeights);
  rows.push({ product: product.name, customer_id: pickCustomer(), rating, day: pickDate(product), channel: 'app', review_text: text });
}

// Double submissions: the same customer posts the same review again the same day or the next.
const originals = rows.filter((r) => r.review_text.length > 60);
for (let i = 0; i < DOUBLE_SUBMISSIONS; i++) {
  const original = originals[Math.floor(random() * originals.length)];
  rows.push({ ...original, day: Math.min(original.day + (chance(0.5) ? 0 : 1), toDay(YEAR_END)), channel: chance(0.5) ? original.channel : 'app' });
}

// Chronological ids, as a shop database would hand them out; ties keep generation order.
rows.sort((a, b) => a.day - b.day);
const reviewRows = rows.map((r, i) => ({
  review_id: `r${String(i + 1).padStart(4, '0')}`,
  product: r.product,
  customer_id: r.customer_id,
  rating: r.rating,
  review_date: toIso(r.day),
  channel: r.channel,
  review_text: r.review_text,
}));

const productRows = PRODUCTS.map((p) => ({ product: p.name, category: p.category, launch_date: p.launch, price_usd: p.price.toFixed(2) }));

// ---------------------------------------------------------------------------------------------------------
// CSV (RFC 4180: quote fields holding a comma, quote, CR or LF; double embedded quotes; LF line endings)

function csvField(value) {
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
function toCsv(records) {
  const header = Object.keys(records[0]);
  const lines = [header.join(','), ...records.map((r) => header.map((h) => csvField(r[h])).join(','))];
  return `${lines.join('\n')}\n`;
}

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'data');
mkdirSync(dataDir, { recursive: true });
writeFileSync(resolve(dataDir, 'reviews.csv'), toCsv(reviewRows));
writeFileSync(resolve(dataDir, 'products.csv'), toCsv(productRows));

const byRating = [1, 2, 3, 4, 5].map((s) => reviewRows.filter((r) => r.rating === s).length);
console.log(
  `wrote data/reviews.csv (${reviewRows.length} reviews, ratings 1-5: ${byRating.join('/')}) and data/products.csv (${productRows.length} products), seed ${SEED}`,
);
