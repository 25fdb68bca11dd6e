//! The order of results, as one sort key per document (higher first): products nobody can buy
//! last when asked, then the sort the shopper chose, then the id's first bytes so that ties fall
//! the same way on every page. Relevance is the merchant's pins first, then the text score (see
//! `query`), then in stock before sold out, then best-selling.

use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentReader};

use crate::query::{SearchQuery, SortKey, UnavailableProducts};

/// A document's place: compared element by element, higher first.
pub type Rank = [i64; 6];

/// The fast fields a rank reads in one segment.
pub struct SegmentRanker {
    sort: SortKey,
    reverse: bool,
    unavailable_last: bool,
    available: Column<u64>,
    pin: Column<u64>,
    units_sold: Column<i64>,
    min_price: Column<i64>,
    created_at: Column<i64>,
    title_key: Column<u64>,
    tiebreak: Column<u64>,
}

impl SegmentRanker {
    pub fn new(segment: &SegmentReader, query: &SearchQuery) -> tantivy::Result<SegmentRanker> {
        let fast = segment.fast_fields();
        Ok(SegmentRanker {
            sort: query.sort,
            reverse: query.reverse,
            unavailable_last: query.unavailable == UnavailableProducts::Last,
            available: fast.u64("available")?,
            pin: fast.u64("pin")?,
            units_sold: fast.i64("units_sold")?,
            min_price: fast.i64("min_price")?,
            created_at: fast.i64("created_at")?,
            title_key: fast.u64("title_key")?,
            tiebreak: fast.u64("tiebreak")?,
        })
    }

    pub fn rank(&self, doc: DocId, score: Score) -> Rank {
        let available = self.available.first(doc).unwrap_or(0) as i64;
        let units_sold = self.units_sold.first(doc).unwrap_or(0);
        // Ascending sorts negate: the smallest value ranks highest.
        let chosen: [i64; 4] = match self.sort {
            SortKey::Relevance => {
                let pin = self.pin.first(doc).unwrap_or(u64::MAX).min(i64::MAX as u64) as i64;
                [-pin, score.round() as i64, available, units_sold]
            }
            SortKey::Price => [-self.min_price.first(doc).unwrap_or(0), 0, 0, 0],
            SortKey::BestSelling => [units_sold, 0, 0, 0],
            SortKey::CreatedAt => [-self.created_at.first(doc).unwrap_or(0), 0, 0, 0],
            SortKey::Title => [-(self.title_key.first(doc).unwrap_or(0) as i64), 0, 0, 0],
        };
        let direction = if self.reverse { -1 } else { 1 };
        let first_bytes = self.tiebreak.first(doc).unwrap_or(0) >> 1;
        [
            if self.unavailable_last { available } else { 0 },
            chosen[0] * direction,
            chosen[1] * direction,
            chosen[2] * direction,
            chosen[3] * direction,
            -(first_bytes as i64),
        ]
    }
}
