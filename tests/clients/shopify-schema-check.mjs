// Checks that every type, field and argument Vitrine shares with Shopify's Storefront API has
// Shopify's signature, so a client written for Shopify never meets a type it does not expect.
// Shopify's schema is the one bundled in @shopify/hydrogen-react (API 2026-04).
//
//   node shopify-schema-check.mjs ../../schema.graphql
//
// An output field may be stricter than Shopify's (non-null where Shopify allows null); an input
// may be looser (nullable where Shopify requires a value). Prints each difference and a summary
// `N shared signatures, M differ`; exits 1 when any differs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  buildClientSchema, buildSchema, isInputObjectType, isInterfaceType, isListType, isNonNullType,
  isObjectType,
} from 'graphql';

const require = createRequire(import.meta.url);
const bundled = JSON.parse(readFileSync(require.resolve('@shopify/hydrogen-react/storefront.schema.json'), 'utf8'));
const shopify = buildClientSchema(bundled.data ?? bundled);
const ours = buildSchema(readFileSync(process.argv[2] ?? '../../schema.graphql', 'utf8'));

/** Whether a value of type `actual` may stand where a client expects `expected`. */
const fits = (actual, expected) => {
  if (isNonNullType(expected)) return isNonNullType(actual) && fits(actual.ofType, expected.ofType);
  if (isNonNullType(actual)) return fits(actual.ofType, expected);
  if (isListType(expected)) return isListType(actual) && fits(actual.ofType, expected.ofType);
  return !isListType(actual) && actual.name === expected.name;
};

let shared = 0;
const differences = [];
const compare = (where, actual, expected) => {
  shared += 1;
  if (!fits(actual, expected)) differences.push(`${where}: ${actual} (expected to fit ${expected})`);
};

for (const type of Object.values(ours.getTypeMap())) {
  const theirs = shopify.getType(type.name);
  if (!theirs || type.name.startsWith('__')) continue;
  const bothKinds = [type, theirs].map((t) => t.constructor.name);
  const enumAsScalar = bothKinds[0] === 'GraphQLScalarType' && bothKinds[1] === 'GraphQLEnumType';
  if (bothKinds[0] !== bothKinds[1] && !enumAsScalar) {
    differences.push(`${type.name} is a ${bothKinds[0]} (Shopify: ${bothKinds[1]})`);
    continue;
  }
  if (!(isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) continue;
  const theirFields = theirs.getFields();
  for (const field of Object.values(type.getFields())) {
    const their = theirFields[field.name];
    if (!their) continue;
    // Inputs flow the other way: what Shopify's clients send must fit our input.
    if (isInputObjectType(type)) compare(`${type.name}.${field.name}`, their.type, field.type);
    else compare(`${type.name}.${field.name}`, field.type, their.type);
    for (const arg of field.args ?? []) {
      const theirArg = (their.args ?? []).find((x) => x.name === arg.name);
      if (theirArg) compare(`${type.name}.${field.name}(${arg.name})`, theirArg.type, arg.type);
    }
  }
}

for (const difference of differences) console.log(`DIFFERS ${difference}`);
console.log(`${shared} shared signatures, ${differences.length} differ`);
process.exit(differences.length ? 1 : 0);
