//! A sorted list of text offsets kept in shared chunks, each with an amount added to its
//! items when they are read. An edit replaces the items around it and moves those after
//! it: the chunks before it are shared with the last list, those after it shared too with
//! only their amount changed, and one chunk's worth is copied. The line index keeps its
//! line starts and wide characters so; copying and moving every line start after the edit
//! made a keystroke's cost grow with the draft.

use std::sync::Arc;

/// Items per chunk as a list is first built: a keystroke copies about this many.
const CHUNK: usize = 1024;

#[derive(Clone, Debug)]
struct Piece {
    /// Index in the whole list of `items[0]`.
    first: usize,
    /// Added (wrapping) to each item as it is read.
    add: u32,
    items: Arc<[u32]>,
}

impl Piece {
    fn at(&self, k: usize) -> u32 {
        self.items[k].wrapping_add(self.add)
    }
}

/// Every piece holds at least one item; `first` counts the items of those before it.
#[derive(Clone, Debug, Default)]
pub struct Shifted {
    pieces: Vec<Piece>,
    len: usize,
}

impl Shifted {
    pub fn new(items: &[u32]) -> Self {
        let mut out = Shifted::default();
        out.push_split(items);
        out
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The piece holding item `i` and its place there, or (pieces, 0) past the end.
    fn locate(&self, i: usize) -> (usize, usize) {
        if i >= self.len {
            return (self.pieces.len(), 0);
        }
        let c = self.pieces.partition_point(|p| p.first <= i) - 1;
        (c, i - self.pieces[c].first)
    }

    pub fn get(&self, i: usize) -> Option<u32> {
        let (c, k) = self.locate(i);
        self.pieces.get(c).map(|p| p.at(k))
    }

    /// The number of leading items `pred` holds for (it holds for a prefix of the list,
    /// as `slice::partition_point` asks).
    pub fn partition_point(&self, pred: impl Fn(u32) -> bool) -> usize {
        let c = self.pieces.partition_point(|p| pred(p.at(0)));
        match c.checked_sub(1).map(|c| &self.pieces[c]) {
            None => 0,
            Some(p) => p.first + p.items.partition_point(|&x| pred(x.wrapping_add(p.add))),
        }
    }

    /// This list with items `keep..after` replaced by `middle` and `shift` added to those
    /// after them (wrapping: a deletion moves them back).
    pub fn splice(&self, keep: usize, after: usize, middle: &[u32], shift: u32) -> Shifted {
        debug_assert!(keep <= after && after <= self.len);
        let (c0, k0) = self.locate(keep);
        let (c1, k1) = self.locate(after);
        let mut out = Shifted {
            pieces: Vec::with_capacity(self.pieces.len() + 2),
            len: 0,
        };
        out.pieces.extend_from_slice(&self.pieces[..c0]);
        out.len = keep - k0;
        // What is rebuilt: the start of the piece the edit begins in, what it inserts, and
        // the rest of the piece it ends in.
        let mut merged = Vec::with_capacity(k0 + middle.len() + CHUNK);
        if let Some(p) = self.pieces.get(c0) {
            merged.extend(p.items[..k0].iter().map(|&x| x.wrapping_add(p.add)));
        }
        merged.extend_from_slice(middle);
        if let Some(p) = self.pieces.get(c1) {
            let add = p.add.wrapping_add(shift);
            merged.extend(p.items[k1..].iter().map(|&x| x.wrapping_add(add)));
        }
        out.push_split(&merged);
        for p in self.pieces.iter().skip(c1 + 1) {
            out.pieces.push(Piece {
                first: out.len,
                add: p.add.wrapping_add(shift),
                items: p.items.clone(),
            });
            out.len += p.items.len();
        }
        out
    }

    /// Appends `items` as pieces of `CHUNK` (one piece if it is under two).
    fn push_split(&mut self, items: &[u32]) {
        let parts = if items.len() < 2 * CHUNK {
            items.chunks(CHUNK.max(items.len()))
        } else {
            items.chunks(CHUNK)
        };
        for part in parts.filter(|p| !p.is_empty()) {
            self.pieces.push(Piece {
                first: self.len,
                add: 0,
                items: part.into(),
            });
            self.len += part.len();
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.pieces
            .iter()
            .flat_map(|p| p.items.iter().map(|&x| x.wrapping_add(p.add)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spliced(v: &[u32], keep: usize, after: usize, middle: &[u32], shift: u32) -> Vec<u32> {
        let mut out = v[..keep].to_vec();
        out.extend_from_slice(middle);
        out.extend(v[after..].iter().map(|&x| x.wrapping_add(shift)));
        out
    }

    #[test]
    fn reads_and_splices_as_a_vector_does_and_shares_what_an_edit_leaves() {
        let v: Vec<u32> = (0..5 * CHUNK as u32 + 7).map(|x| 3 * x).collect();
        let s = Shifted::new(&v);
        assert!(s.iter().eq(v.iter().copied()));
        assert_eq!(s.get(v.len()), None);
        for i in [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 2, v.len() - 1] {
            assert_eq!(s.get(i), Some(v[i]));
            assert_eq!(s.partition_point(|x| x < v[i]), i);
            assert_eq!(s.partition_point(|x| x <= v[i]), i + 1);
        }
        // Insert two items inside the second piece; everything after moves by 5.
        let (keep, after) = (CHUNK + 10, CHUNK + 12);
        let middle = [3 * keep as u32 + 1, 3 * keep as u32 + 2];
        let t = s.splice(keep, after, &middle, 5);
        let want = spliced(&v, keep, after, &middle, 5);
        assert!(t.iter().eq(want.iter().copied()));
        assert_eq!(t.len(), want.len());
        for (i, &w) in want.iter().enumerate() {
            assert_eq!(t.get(i), Some(w), "{i}");
        }
        let shared = s
            .pieces
            .iter()
            .zip(&t.pieces)
            .filter(|(a, b)| Arc::ptr_eq(&a.items, &b.items))
            .count();
        assert_eq!(
            shared,
            s.pieces.len() - 1,
            "only the edited piece is copied"
        );
    }

    #[test]
    fn splices_at_the_ends_across_pieces_and_backwards() {
        let v: Vec<u32> = (0..3 * CHUNK as u32).map(|x| 2 * x + 100).collect();
        let s = Shifted::new(&v);
        let cases: [(usize, usize, Vec<u32>, u32); 6] = [
            (0, 0, vec![1, 2], 0),
            (v.len(), v.len(), vec![10_000], 0),
            (5, 2 * CHUNK + 5, vec![], 0u32.wrapping_sub(7)),
            (0, v.len(), vec![], 0),
            (
                CHUNK,
                CHUNK,
                (0..3 * CHUNK as u32)
                    .map(|x| 2 * CHUNK as u32 + x)
                    .collect(),
                9,
            ),
            (CHUNK - 1, CHUNK + 1, vec![2 * CHUNK as u32 + 99], 0),
        ];
        for (keep, after, middle, shift) in cases {
            let t = s.splice(keep, after, &middle, shift);
            let want = spliced(&v, keep, after, &middle, shift);
            assert!(t.iter().eq(want.iter().copied()), "{keep} {after}");
            assert_eq!(t.len(), want.len());
            for (i, &w) in want.iter().enumerate() {
                assert_eq!(t.get(i), Some(w));
            }
            assert!(t.pieces.iter().all(|p| !p.items.is_empty()));
            // A second edit on top of the first.
            let (k, a) = (want.len() / 2, (want.len() / 2 + 1).min(want.len()));
            let u = t.splice(k, a, &[], 1);
            assert!(u.iter().eq(spliced(&want, k, a, &[], 1)));
        }
        assert_eq!(Shifted::new(&[]).len(), 0);
        assert_eq!(Shifted::new(&[]).partition_point(|_| true), 0);
    }
}
