//! `cartComplete`: checkout over GraphQL. The mutation decodes its input, runs one checkout
//! (`checkout::Checkout::complete`) and renders its answer: the order and the buyer's access
//! token, or `userErrors` with the codes the checkout refused with.

mod complete;
mod inputs;

pub use complete::CheckoutMutation;
