//! Every entity under a short name, for `use entities::prelude::*`.

pub use crate::api_token::Entity as ApiToken;
pub use crate::cart::Entity as Cart;
pub use crate::cart_line::Entity as CartLine;
pub use crate::collection::Entity as Collection;
pub use crate::collection_product::Entity as CollectionProduct;
pub use crate::customer::Entity as Customer;
pub use crate::customer_access_token::Entity as CustomerAccessToken;
pub use crate::idempotency_key::Entity as IdempotencyKey;
pub use crate::inventory_level::Entity as InventoryLevel;
pub use crate::inventory_movement::Entity as InventoryMovement;
pub use crate::inventory_reservation::Entity as InventoryReservation;
pub use crate::menu::Entity as Menu;
pub use crate::order::Entity as Order;
pub use crate::order_event::Entity as OrderEvent;
pub use crate::order_line::Entity as OrderLine;
pub use crate::outbox_event::Entity as OutboxEvent;
pub use crate::page::Entity as Page;
pub use crate::payment::Entity as Payment;
pub use crate::payment_event::Entity as PaymentEvent;
pub use crate::product::Entity as Product;
pub use crate::product_image::Entity as ProductImage;
pub use crate::product_option::Entity as ProductOption;
pub use crate::product_option_value::Entity as ProductOptionValue;
pub use crate::product_tag::Entity as ProductTag;
pub use crate::product_variant::Entity as ProductVariant;
pub use crate::store::Entity as Store;
