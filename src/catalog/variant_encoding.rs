//! Which option value combinations a product's variants cover, encoded as Shopify encodes
//! `encodedVariantExistence` and `encodedVariantAvailability` (format v1, decoded by
//! hydrogen-react's `decodeEncodedVariant`): each variant is the list of its option values'
//! positions, and the set of them is written as a trie.
//!
//! - `:` goes down to the next option, `,` ends a prefix (one per level left),
//! - in the last option, values are listed in order, ` ` between them, `a-b` for a run.
//!
//! `[[0,0,0], [0,1,0], [0,1,1], [1,0,0], [1,0,1], [1,1,1], [2,0,1], [2,1,0]]` is
//! `v1_0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,`.

use std::collections::BTreeMap;

/// A level of the trie: each value's subtree (empty at the last option).
#[derive(Default)]
struct Trie(BTreeMap<usize, Trie>);

/// The v1 encoding of these combinations (each the positions of one variant's option values,
/// all of the same length); empty when there are none.
pub fn encode(combinations: &[Vec<usize>]) -> String {
    let mut root = Trie::default();
    for combination in combinations {
        let mut node = &mut root;
        for value in combination {
            node = node.0.entry(*value).or_default();
        }
    }
    if root.0.is_empty() {
        return String::new();
    }
    format!("v1_{}", level(&root))
}

fn level(trie: &Trie) -> String {
    let last = trie.0.values().all(|child| child.0.is_empty());
    if last {
        return runs(trie.0.keys().copied());
    }
    trie.0
        .iter()
        .map(|(value, child)| format!("{value}:{},", level(child)))
        .collect()
}

/// Values in order as runs: `0-2 4 6-7`.
fn runs(values: impl Iterator<Item = usize>) -> String {
    let mut parts: Vec<(usize, usize)> = Vec::new();
    for value in values {
        match parts.last_mut() {
            Some((_, end)) if *end + 1 == value => *end = value,
            _ => parts.push((value, value)),
        }
    }
    parts
        .iter()
        .map(|(start, end)| match start == end {
            true => start.to_string(),
            false => format!("{start}-{end}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hydrogen-react's decoder (`optionValueDecoder.ts`), ported to check round trips.
    fn decode(encoded: &str) -> Vec<Vec<usize>> {
        let encoded = encoded.strip_prefix("v1_").unwrap();
        let mut options = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut depth = 0usize;
        let mut range_start: Option<usize> = None;
        let mut index = 0;
        let bytes = encoded.as_bytes();
        for (at, &byte) in bytes.iter().enumerate() {
            if !matches!(byte, b' ' | b':' | b',' | b'-') {
                continue;
            }
            let value: usize = encoded[index..at].parse().unwrap_or(0);
            if let Some(start) = range_start.take() {
                for ranged in start..value {
                    set(&mut current, depth, ranged);
                    options.push(current.clone());
                }
            }
            set(&mut current, depth, value);
            match byte {
                b'-' => range_start = Some(value),
                b':' => depth += 1,
                _ => {
                    if byte == b' ' || (byte == b',' && at > 0 && bytes[at - 1] != b',') {
                        options.push(current.clone());
                    }
                    if byte == b',' {
                        current.pop();
                        depth = depth.saturating_sub(1);
                    }
                }
            }
            index = at + 1;
        }
        let tail = &encoded[index..];
        if !tail.is_empty() {
            let last: usize = tail.parse().unwrap();
            match range_start {
                Some(start) => {
                    for ranged in start..=last {
                        set(&mut current, depth, ranged);
                        options.push(current.clone());
                    }
                }
                None => options.push(vec![last]),
            }
        }
        options
    }

    fn set(current: &mut Vec<usize>, depth: usize, value: usize) {
        if current.len() <= depth {
            current.resize(depth + 1, 0);
        }
        current[depth] = value;
    }

    #[test]
    fn shopifys_example_encodes_as_documented_and_decodes_back() {
        let combinations = vec![
            vec![0, 0, 0],
            vec![0, 1, 0],
            vec![0, 1, 1],
            vec![1, 0, 0],
            vec![1, 0, 1],
            vec![1, 1, 1],
            vec![2, 0, 1],
            vec![2, 1, 0],
        ];
        let encoded = encode(&combinations);
        assert_eq!(encoded, "v1_0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,");
        assert_eq!(decode(&encoded), combinations);
    }

    #[test]
    fn one_option_gaps_and_nothing() {
        let single = vec![vec![0], vec![1], vec![2], vec![4]];
        assert_eq!(encode(&single), "v1_0-2 4");
        assert_eq!(decode(&encode(&single)), single);
        let pairs = vec![vec![0, 1], vec![0, 3], vec![2, 0]];
        assert_eq!(encode(&pairs), "v1_0:1 3,2:0,");
        assert_eq!(decode(&encode(&pairs)), pairs);
        assert_eq!(encode(&[]), "");
    }
}
