// Runs hydrogen-react's own cart documents (its `cart-queries` export: CartCreate, CartLineAdd,
// CartLineUpdate, CartLineRemove, CartNoteUpdate, CartAttributesUpdate, CartBuyerIdentityUpdate,
// CartDiscountCodesUpdate and CartQuery, built with `defaultCartFragment`), unchanged, against a
// running Vitrine server, the way hydrogen-react's CartProvider sends them: POST {query, variables}
// with the storefront token, no `$country` (so its `= ZZ` default applies), and only top-level
// `errors` counting as failure.
//
// Inputs (environment): VITRINE_URL, STOREFRONT_TOKEN, ADMIN_TOKEN, STORE_DOMAIN.
// Prints one line per check and a summary `N passed, M failed`; exits 1 if any check failed.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CartAttributesUpdate,
  CartBuyerIdentityUpdate,
  CartCreate,
  CartDiscountCodesUpdate,
  CartLineAdd,
  CartLineRemove,
  CartLineUpdate,
  CartNoteUpdate,
  CartQuery,
  defaultCartFragment,
} from '@shopify/hydrogen-react/cart-queries';

const env = Object.fromEntries(
  ['VITRINE_URL', 'STOREFRONT_TOKEN', 'ADMIN_TOKEN', 'STORE_DOMAIN'].map((name) => {
    if (!process.env[name]) {
      console.error(`missing environment variable ${name}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
    return [name, process.env[name]];
  }),
);
const ENDPOINT = `${env.VITRINE_URL.replace(/\/+$/, '')}/api/2025-01/graphql.json`;
const SUFFIX = randomBytes(4).toString('hex');

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok      ${name}`);
    return true;
  } catch (error) {
    failed += 1;
    console.log(`FAILED  ${name}`);
    console.log(String(error instanceof assert.AssertionError ? error.message : error?.stack ?? error).replace(/^/gm, '        '));
    return false;
  }
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

async function post(headers, query, variables) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `HTTP ${response.status}: ${text}`);
  const body = JSON.parse(text);
  assert.equal(body.errors, undefined, `errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** One of hydrogen-react's documents, as CartProvider sends it; returns `data`. */
const storefront = (document, variables) =>
  post({ 'X-Shopify-Storefront-Access-Token': env.STOREFRONT_TOKEN }, document(defaultCartFragment), variables);
const admin = (query, variables) => post({ 'X-Shopify-Access-Token': env.ADMIN_TOKEN }, query, variables);

const PRODUCT_CREATE = `mutation ($input: ProductInput!) {
  productCreate(input: $input) { product { id handle variants(first: 5) { nodes { id } } } userErrors { field message } }
}`;

const fixtures = {};
async function arrange() {
  const data = await admin(PRODUCT_CREATE, {
    input: {
      title: `Cart Tee ${SUFFIX}`,
      options: ['Size'],
      variants: [
        { sku: `HC-S-${SUFFIX}`, price: '19.99', compareAtPrice: '25.00', options: ['S'], inventoryQuantity: 3 },
        { sku: `HC-M-${SUFFIX}`, price: '21.00', options: ['M'], inventoryQuantity: 0 },
      ],
      images: [{ url: 'https://example.com/cart-tee.jpg', altText: 'Cart tee', width: 600, height: 600 }],
    },
  });
  assert.deepEqual(data.productCreate.userErrors, []);
  const [small, medium] = data.productCreate.product.variants.nodes.map((v) => v.id);
  Object.assign(fixtures, { small, medium, handle: data.productCreate.product.handle });
}

if (!(await check('the admin API creates a product with a stocked and a sold-out variant', arrange))) finish();

let cart;
const lines = () => cart.lines.edges.map((edge) => edge.node);

await check('CartCreate makes a cart with a Shopify cart id, an absolute checkoutUrl and its line', async () => {
  const data = await storefront(CartCreate, {
    input: {
      lines: [{ merchandiseId: fixtures.small, quantity: 2 }],
      buyerIdentity: { countryCode: 'CA' },
      note: 'hello',
      attributes: [{ key: 'source', value: 'hydrogen-react' }],
    },
  });
  cart = data.cartCreate.cart;
  const token = cart.id.replace('gid://shopify/Cart/', '');
  assert.ok(cart.id.startsWith('gid://shopify/Cart/') && token.length >= 32 && !token.includes('/'), cart.id);
  assert.equal(cart.checkoutUrl, `https://${env.STORE_DOMAIN}/checkouts/${token}`);
  assert.equal(cart.totalQuantity, 2);
  assert.equal(cart.buyerIdentity.countryCode, 'CA');
  assert.equal(cart.note, 'hello');
  assert.deepEqual(cart.attributes, [{ key: 'source', value: 'hydrogen-react' }]);
  const [line] = lines();
  assert.equal(line.quantity, 2);
  assert.equal(line.merchandise.id, fixtures.small);
  assert.equal(line.merchandise.product.handle, fixtures.handle);
  assert.deepEqual(line.merchandise.selectedOptions, [{ name: 'Size', value: 'S' }]);
  assert.deepEqual(line.merchandise.price, { currencyCode: 'USD', amount: '19.99' });
  assert.deepEqual(line.cost.totalAmount, { currencyCode: 'USD', amount: '39.98' });
  assert.deepEqual(line.cost.compareAtAmountPerQuantity, { currencyCode: 'USD', amount: '25.00' });
  assert.deepEqual(cart.cost.subtotalAmount, { currencyCode: 'USD', amount: '39.98' });
  assert.equal(cart.cost.totalTaxAmount, null);
});

await check('CartLineAdd grows the line, and stops at the stock without an error', async () => {
  let data = await storefront(CartLineAdd, { cartId: cart.id, lines: [{ merchandiseId: fixtures.small, quantity: 1 }] });
  cart = data.cartLinesAdd.cart;
  assert.equal(cart.totalQuantity, 3);
  data = await storefront(CartLineAdd, { cartId: cart.id, lines: [{ merchandiseId: fixtures.small, quantity: 1 }] });
  cart = data.cartLinesAdd.cart;
  assert.equal(cart.totalQuantity, 3, 'only 3 in stock');
  assert.equal(lines().length, 1);
});

await check('CartLineAdd of a sold-out variant adds nothing', async () => {
  const data = await storefront(CartLineAdd, { cartId: cart.id, lines: [{ merchandiseId: fixtures.medium, quantity: 1 }] });
  cart = data.cartLinesAdd.cart;
  assert.deepEqual(lines().map((line) => line.merchandise.id), [fixtures.small]);
});

await check('CartLineUpdate changes the quantity', async () => {
  const data = await storefront(CartLineUpdate, { cartId: cart.id, lines: [{ id: lines()[0].id, quantity: 1 }] });
  cart = data.cartLinesUpdate.cart;
  assert.equal(cart.totalQuantity, 1);
});

await check('CartNoteUpdate, CartAttributesUpdate and CartDiscountCodesUpdate are echoed back', async () => {
  cart = (await storefront(CartNoteUpdate, { cartId: cart.id, note: 'ring twice' })).cartNoteUpdate.cart;
  assert.equal(cart.note, 'ring twice');
  cart = (await storefront(CartAttributesUpdate, { cartId: cart.id, attributes: [{ key: 'gift', value: 'yes' }] }))
    .cartAttributesUpdate.cart;
  assert.deepEqual(cart.attributes, [{ key: 'gift', value: 'yes' }]);
  cart = (await storefront(CartDiscountCodesUpdate, { cartId: cart.id, discountCodes: ['SAVE10'] }))
    .cartDiscountCodesUpdate.cart;
  assert.deepEqual(cart.discountCodes, [{ code: 'SAVE10', applicable: false }]);
});

await check('CartBuyerIdentityUpdate stores and echoes the country (CartProvider re-sends it otherwise)', async () => {
  const data = await storefront(CartBuyerIdentityUpdate, {
    cartId: cart.id,
    buyerIdentity: { countryCode: 'FR', email: 'buyer@example.com' },
  });
  cart = data.cartBuyerIdentityUpdate.cart;
  assert.equal(cart.buyerIdentity.countryCode, 'FR');
  assert.equal(cart.buyerIdentity.email, 'buyer@example.com');
  assert.equal(cart.buyerIdentity.customer, null);
});

await check('CartQuery reads the cart back as the mutations left it', async () => {
  const data = await storefront(CartQuery, { id: cart.id });
  assert.deepEqual(data.cart, cart);
});

await check('CartLineRemove empties the cart', async () => {
  const data = await storefront(CartLineRemove, { cartId: cart.id, lines: [lines()[0].id] });
  cart = data.cartLinesRemove.cart;
  assert.equal(cart.totalQuantity, 0);
  assert.deepEqual(cart.lines.edges, []);
});

await check('CartQuery of an unknown cart is null without errors (CartProvider starts over)', async () => {
  const data = await storefront(CartQuery, { id: 'gid://shopify/Cart/0123456789abcdef0123456789abcdef' });
  assert.equal(data.cart, null);
});

finish();
