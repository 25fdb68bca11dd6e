// Drives the official `@shopify/storefront-api-client` against a running Vitrine server.
//
// Inputs (environment):
//   VITRINE_URL             base URL of the server, e.g. http://127.0.0.1:18080
//   STOREFRONT_TOKEN        storefront token of the first store
//   ADMIN_TOKEN             admin token of the first store
//   OTHER_STOREFRONT_TOKEN  storefront token of a second store
//   STORE_DOMAIN            the first store's domain, e.g. first.example.test
//
// Prints one line per check, then exactly one summary line `N passed, M failed`;
// exits 1 if any check failed.

import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { createStorefrontApiClient } from '@shopify/storefront-api-client';

const API_VERSION = '2025-01';

const env = readEnv([
  'VITRINE_URL',
  'STOREFRONT_TOKEN',
  'ADMIN_TOKEN',
  'OTHER_STOREFRONT_TOKEN',
  'STORE_DOMAIN',
]);
const BASE_URL = env.VITRINE_URL.replace(/\/+$/, '');
const ENDPOINT = `${BASE_URL}/api/${API_VERSION}/graphql.json`;
const SUFFIX = randomBytes(4).toString('hex');

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function readEnv(names) {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    console.error(`missing environment variables: ${missing.join(', ')}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  return Object.fromEntries(names.map((name) => [name, process.env[name]]));
}

let passed = 0;
let failed = 0;

/** Runs one named check; records and prints the outcome. Returns whether it passed. */
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok      ${name}`);
    return true;
  } catch (error) {
    failed += 1;
    console.log(`FAILED  ${name}`);
    const detail = error instanceof assert.AssertionError ? error.message : error?.stack ?? String(error);
    console.log(detail.replace(/^/gm, '        '));
    return false;
  }
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

/** POSTs a GraphQL operation to the admin API with plain fetch; returns `data`, failing on errors. */
async function adminRequest(query, variables = {}) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-Shopify-Access-Token': env.ADMIN_TOKEN,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `admin API answered HTTP ${response.status}: ${text}`);
  const body = JSON.parse(text);
  assert.equal(body.errors, undefined, `admin API returned errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The last request the client handed to its fetch, for checks on what it sends. */
let lastClientRequest = null;

/**
 * Builds a Storefront API client for `token`.
 *
 * The client normalizes `storeDomain` to `https://<host>` (validateDomainAndGetStoreUrl forces
 * `url.protocol = 'https'` and keeps only the origin), then posts to
 * `${origin}/api/${apiVersion}/graphql.json`. Vitrine serves plain HTTP here, so customFetchApi
 * swaps the origin back to VITRINE_URL, keeping path and query. The Host header is the server
 * address (127.0.0.1:PORT), which names no store, so the token alone picks the store.
 */
function storefrontClient(token) {
  return createStorefrontApiClient({
    storeDomain: BASE_URL,
    apiVersion: API_VERSION,
    publicAccessToken: token,
    customFetchApi: (url, init) => {
      const { pathname, search } = new URL(url);
      const target = `${BASE_URL}${pathname}${search}`;
      lastClientRequest = { clientUrl: String(url), url: target, init };
      return fetch(target, init);
    },
    // The client warns (console.warn) when apiVersion is not among the last few quarterly
    // versions by today's date; Vitrine pins 2025-01, so that warning is expected noise.
    logger: (entry) => {
      if (entry.type === 'Unsupported_Api_Version' && !storefrontClient.warned) {
        storefrontClient.warned = true;
        console.log(`note    the client considers apiVersion ${API_VERSION} unsupported by date; ignoring`);
      }
    },
  });
}

/** `client.request` that asserts there are no errors and returns `data`. */
async function requestData(client, query, variables) {
  const result = await client.request(query, variables ? { variables } : undefined);
  assert.equal(
    result.errors,
    undefined,
    `client.request returned errors: ${describeErrors(result.errors)}`,
  );
  assert.ok(result.data, 'client.request returned no data');
  return result.data;
}

function describeErrors(errors) {
  if (!errors) return 'none';
  const { response, ...rest } = errors; // the Response object does not serialize usefully
  return JSON.stringify(rest);
}

/** A raw HTTP POST with full control of headers, Host included (fetch ignores a Host header). */
function rawPost(url, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function assertGid(id, type) {
  assert.equal(typeof id, 'string', `expected a ${type} id, got ${JSON.stringify(id)}`);
  assert.ok(id.startsWith(`gid://shopify/${type}/`), `expected gid://shopify/${type}/…, got ${id}`);
}

function sortedHandles(edges) {
  return edges.map((edge) => edge.node.handle).sort();
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

const PRODUCT_CREATE = /* GraphQL */ `
  mutation($input: ProductInput!) {
    productCreate(input: $input) { product { id handle } userErrors { field message code } }
  }
`;

const COLLECTION_CREATE = /* GraphQL */ `
  mutation($input: CollectionInput!) {
    collectionCreate(input: $input) { collection { id handle } userErrors { field message code } }
  }
`;

const SHOP_QUERY = /* GraphQL */ `
  query { shop { name primaryDomain { host url } paymentSettings { currencyCode } } }
`;

// As Next.js Commerce writes it (lib/shopify/queries/product.ts, fragments inlined).
const GET_PRODUCT_QUERY = /* GraphQL */ `
  query getProduct($handle: String!) {
    product(handle: $handle) {
      id
      handle
      availableForSale
      title
      description
      descriptionHtml
      options { id name values }
      priceRange {
        maxVariantPrice { amount currencyCode }
        minVariantPrice { amount currencyCode }
      }
      variants(first: 250) {
        edges {
          node {
            id
            title
            availableForSale
            selectedOptions { name value }
            price { amount currencyCode }
          }
        }
      }
      featuredImage { url altText width height }
      images(first: 20) { edges { node { url altText width height } } }
      seo { title description }
      tags
      updatedAt
    }
  }
`;

const COLLECTION_PRODUCTS_QUERY = /* GraphQL */ `
  query($handle: String!, $first: Int, $after: String, $filters: [ProductFilter!]) {
    collection(handle: $handle) {
      title
      products(first: $first, after: $after, filters: $filters) {
        edges { cursor node { handle vendor } }
        pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        filters { id label type values { id label count input } }
      }
    }
  }
`;

// ---------------------------------------------------------------------------
// Arrange
// ---------------------------------------------------------------------------

const PRODUCTS = [
  { key: 'A', title: 'Client Tee A', vendor: 'Acme', low: '20.00', high: '25.00' },
  { key: 'B', title: 'Client Tee B', vendor: 'Acme', low: '30.00', high: '35.00' },
  { key: 'C', title: 'Client Tee C', vendor: 'Bolt', low: '40.00', high: '45.00' },
];

const created = { products: [], collection: null };

function productInput({ key, title, vendor, low, high }) {
  const lower = key.toLowerCase();
  return {
    title: `${title} ${SUFFIX}`,
    vendor,
    productType: 'Tees',
    tags: ['summer'],
    options: ['Size'],
    variants: [
      { sku: `CT-${key}-S-${SUFFIX}`, price: low, options: ['S'], inventoryQuantity: 5 },
      { sku: `CT-${key}-M-${SUFFIX}`, price: high, options: ['M'], inventoryQuantity: 0 },
    ],
    images: [{ url: `https://example.com/${lower}.jpg`, altText: key, width: 800, height: 800 }],
  };
}

async function arrange() {
  for (const spec of PRODUCTS) {
    const data = await adminRequest(PRODUCT_CREATE, { input: productInput(spec) });
    const { product, userErrors } = data.productCreate;
    assert.deepEqual(userErrors, [], `productCreate ${spec.key} userErrors`);
    assert.ok(product?.handle, `productCreate ${spec.key} returned no product handle`);
    created.products.push({ ...spec, id: product.id, handle: product.handle });
  }
  const data = await adminRequest(COLLECTION_CREATE, {
    input: { title: `Client Picks ${SUFFIX}`, products: created.products.map((p) => p.id) },
  });
  const { collection, userErrors } = data.collectionCreate;
  assert.deepEqual(userErrors, [], 'collectionCreate userErrors');
  assert.ok(collection?.handle, 'collectionCreate returned no collection handle');
  created.collection = collection;
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

const client = storefrontClient(env.STOREFRONT_TOKEN);

function collectionProducts(variables) {
  return requestData(client, COLLECTION_PRODUCTS_QUERY, {
    handle: created.collection.handle,
    ...variables,
  });
}

if (!(await check('the admin API creates three products and a collection', arrange))) {
  console.log('        (nothing else can be checked without the fixtures)');
  finish();
}

const productA = created.products[0];

await check('the client posts to VITRINE_URL over HTTP with the storefront token', async () => {
  await requestData(client, SHOP_QUERY);
  assert.ok(lastClientRequest, 'customFetchApi was not called');
  assert.equal(lastClientRequest.url, ENDPOINT);
  const { headers, method, body } = lastClientRequest.init;
  assert.equal(method, 'POST');
  assert.equal(headers['X-Shopify-Storefront-Access-Token'], env.STOREFRONT_TOKEN);
  assert.equal(headers['Content-Type'], 'application/json');
  assert.equal(JSON.parse(body).query, SHOP_QUERY);
});

await check('shop returns a name, USD and the store domain as primary domain', async () => {
  const { shop } = await requestData(client, SHOP_QUERY);
  assert.equal(typeof shop.name, 'string');
  assert.ok(shop.name.length > 0, 'shop.name is empty');
  assert.equal(shop.paymentSettings.currencyCode, 'USD');
  assert.equal(shop.primaryDomain.host, env.STORE_DOMAIN);
  assert.equal(new URL(shop.primaryDomain.url).host, env.STORE_DOMAIN);
});

await check('the Next.js Commerce product query returns prices, variants, options and images', async () => {
  const { product } = await requestData(client, GET_PRODUCT_QUERY, { handle: productA.handle });
  assert.ok(product, `product(handle: "${productA.handle}") is null`);
  assertGid(product.id, 'Product');
  assert.equal(product.id, productA.id);
  assert.equal(product.handle, productA.handle);
  assert.equal(product.title, `Client Tee A ${SUFFIX}`);
  assert.equal(product.availableForSale, true, 'product.availableForSale should be true (S has stock)');
  assert.equal(typeof product.description, 'string');
  assert.equal(typeof product.descriptionHtml, 'string');

  assert.deepEqual(product.priceRange.minVariantPrice, { amount: '20.00', currencyCode: 'USD' });
  assert.deepEqual(product.priceRange.maxVariantPrice, { amount: '25.00', currencyCode: 'USD' });

  assert.equal(product.options.length, 1);
  assert.ok(product.options[0].id.startsWith('gid://shopify/'), `option id ${product.options[0].id}`);
  assert.equal(product.options[0].name, 'Size');
  assert.deepEqual(product.options[0].values, ['S', 'M']);

  const variants = product.variants.edges.map((edge) => edge.node);
  assert.equal(variants.length, 2);
  const bySize = Object.fromEntries(
    variants.map((variant) => {
      assertGid(variant.id, 'ProductVariant');
      assert.equal(typeof variant.title, 'string');
      assert.equal(variant.selectedOptions.length, 1);
      assert.equal(variant.selectedOptions[0].name, 'Size');
      return [variant.selectedOptions[0].value, variant];
    }),
  );
  assert.deepEqual(Object.keys(bySize).sort(), ['M', 'S']);
  assert.equal(bySize.S.availableForSale, true, 'variant S (5 in stock) should be availableForSale');
  assert.equal(bySize.M.availableForSale, false, 'variant M (0 in stock) should not be availableForSale');
  assert.deepEqual(bySize.S.price, { amount: '20.00', currencyCode: 'USD' });
  assert.deepEqual(bySize.M.price, { amount: '25.00', currencyCode: 'USD' });

  assert.ok(product.featuredImage?.url, 'featuredImage.url is not set');
  assert.equal(product.featuredImage.altText, 'A');
  assert.equal(product.images.edges.length, 1);
  assert.ok(product.images.edges[0].node.url, 'images[0].url is not set');

  assert.equal(typeof product.seo, 'object');
  assert.notEqual(product.seo, null, 'seo is null');
  assert.deepEqual(product.tags, ['summer']);
  assert.ok(!Number.isNaN(Date.parse(product.updatedAt)), `updatedAt ${product.updatedAt} is not a date`);
});

await check('an unknown handle gives product null and no errors', async () => {
  const result = await client.request(GET_PRODUCT_QUERY, {
    variables: { handle: `no-such-product-${SUFFIX}` },
  });
  assert.equal(result.errors, undefined, `errors: ${describeErrors(result.errors)}`);
  assert.deepEqual(result.data, { product: null });
});

const pages = {};

await check('the first page of the collection has two products and a next page', async () => {
  const { collection } = await collectionProducts({ first: 2 });
  assert.ok(collection, 'collection is null');
  assert.equal(collection.title, `Client Picks ${SUFFIX}`);
  const { edges, pageInfo } = collection.products;
  assert.equal(edges.length, 2, `first: 2 gave ${edges.length} products`);
  assert.equal(pageInfo.hasNextPage, true, 'hasNextPage should be true');
  assert.equal(pageInfo.hasPreviousPage, false, 'hasPreviousPage should be false');
  assert.equal(pageInfo.startCursor, edges[0].cursor);
  assert.equal(pageInfo.endCursor, edges[1].cursor);
  pages.first = collection.products;
});

await check('the page after endCursor has the last product and a previous page', async () => {
  assert.ok(pages.first, 'needs the first page');
  const { collection } = await collectionProducts({ first: 2, after: pages.first.pageInfo.endCursor });
  const { edges, pageInfo } = collection.products;
  assert.equal(edges.length, 1, `the second page has ${edges.length} products`);
  assert.equal(pageInfo.hasNextPage, false, 'hasNextPage should be false');
  assert.equal(pageInfo.hasPreviousPage, true, 'hasPreviousPage should be true');
  assert.deepEqual(
    sortedHandles([...pages.first.edges, ...edges]),
    created.products.map((p) => p.handle).sort(),
    'the two pages together should hold each product exactly once',
  );
});

await check('filtering by productVendor "Acme" returns only the Acme products', async () => {
  const { collection } = await collectionProducts({ first: 10, filters: [{ productVendor: 'Acme' }] });
  const { edges, pageInfo } = collection.products;
  assert.ok(edges.every((edge) => edge.node.vendor === 'Acme'), `vendors: ${edges.map((e) => e.node.vendor)}`);
  assert.deepEqual(
    sortedHandles(edges),
    created.products.filter((p) => p.vendor === 'Acme').map((p) => p.handle).sort(),
  );
  assert.equal(pageInfo.hasNextPage, false, 'hasNextPage should be false');
});

let vendorFacet = null;

await check('the vendor facet counts the collection’s three products', async () => {
  const { collection } = await collectionProducts({ first: 2 });
  const facets = collection.products.filters;
  assert.ok(Array.isArray(facets), 'products.filters is not a list');
  vendorFacet = facets.find((facet) => facet.id === 'filter.p.vendor');
  assert.ok(vendorFacet, `no filter.p.vendor facet among ${facets.map((f) => f.id)}`);
  assert.equal(vendorFacet.type, 'LIST');
  const total = vendorFacet.values.reduce((sum, value) => sum + value.count, 0);
  assert.equal(total, 3, `vendor counts sum to ${total}`);
  const counts = Object.fromEntries(vendorFacet.values.map((value) => [value.label, value.count]));
  assert.deepEqual(counts, { Acme: 2, Bolt: 1 });
});

await check('each vendor facet value’s input, passed back as a filter, narrows to its count', async () => {
  assert.ok(vendorFacet, 'needs the vendor facet');
  for (const value of vendorFacet.values) {
    assert.equal(typeof value.input, 'string', `input of ${value.id} is not a JSON string`);
    const filter = JSON.parse(value.input);
    const { collection } = await collectionProducts({ first: 10, filters: [filter] });
    const { edges } = collection.products;
    assert.equal(edges.length, value.count, `filter ${value.input} gave ${edges.length} products`);
    assert.ok(
      edges.every((edge) => edge.node.vendor === value.label),
      `filter ${value.input} gave vendors ${edges.map((e) => e.node.vendor)}`,
    );
  }
});

await check('a wrong token gets HTTP 401 with a JSON body', async () => {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Storefront-Access-Token': 'nope' },
    body: JSON.stringify({ query: SHOP_QUERY }),
  });
  const text = await response.text();
  assert.equal(response.status, 401, `status ${response.status}: ${text}`);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  let body;
  assert.doesNotThrow(() => (body = JSON.parse(text)), `body is not JSON: ${text}`);
  assert.ok(body && typeof body === 'object' && 'errors' in body, `body has no errors: ${text}`);
});

await check('a request without any token gets HTTP 401', async () => {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: SHOP_QUERY }),
  });
  assert.equal(response.status, 401, `status ${response.status}: ${await response.text()}`);
});

await check('the client surfaces a wrong token as errors with networkStatusCode 401', async () => {
  const result = await storefrontClient('nope').request(SHOP_QUERY);
  assert.ok(result.errors, 'errors is not set');
  assert.equal(result.errors.networkStatusCode, 401, `errors: ${describeErrors(result.errors)}`);
  assert.equal(typeof result.errors.message, 'string');
  assert.equal(result.data, undefined);
});

const otherClient = storefrontClient(env.OTHER_STOREFRONT_TOKEN);

await check('the other store’s token sees its own shop, not the first store', async () => {
  const { shop } = await requestData(otherClient, SHOP_QUERY);
  assert.notEqual(shop.primaryDomain.host, env.STORE_DOMAIN);
});

await check('the other store cannot see the first store’s product or collection', async () => {
  const { product } = await requestData(otherClient, GET_PRODUCT_QUERY, { handle: productA.handle });
  assert.equal(product, null, 'the other store sees the first store’s product');
  const { collection } = await requestData(otherClient, COLLECTION_PRODUCTS_QUERY, {
    handle: created.collection.handle,
    first: 10,
  });
  assert.equal(collection, null, 'the other store sees the first store’s collection');
});

await check('the other store’s token with Host naming the first store gets HTTP 401', async () => {
  const body = JSON.stringify({ query: SHOP_QUERY });
  const response = await rawPost(
    ENDPOINT,
    {
      Host: env.STORE_DOMAIN,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'X-Shopify-Storefront-Access-Token': env.OTHER_STOREFRONT_TOKEN,
    },
    body,
  );
  assert.equal(response.status, 401, `status ${response.status}: ${response.text}`);
});

finish();
