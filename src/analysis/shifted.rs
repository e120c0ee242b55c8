//! A list of items placed in a text (offsets, paragraphs), kept in shared chunks, each
//! with an amount by which its items are moved when they are read. An edit replaces the
//! items around it and moves those after it: the chunks before it are shared with the last
//! list, those after it shared too with only their amount changed, and about one chunk is
//! copied. The line index keeps its line starts and wide characters so, and the analysis
//! its paragraphs; copying and moving every item after the edit made a keystroke's cost
//! grow with the draft.

use std::ops::Range;
use std::sync::Arc;

/// An item that can be moved along the text. Amounts are added wrapping (a deletion moves
/// what follows back), in `usize`; a 32-bit offset wraps alike when truncated.
pub trait Moved: Copy {
    /// Items per chunk as a list is built: an edit copies about this many.
    const CHUNK: usize;
    fn moved(self, by: usize) -> Self;
}

impl Moved for u32 {
    const CHUNK: usize = 1024;
    fn moved(self, by: usize) -> u32 {
        (self as usize).wrapping_add(by) as u32
    }
}

#[derive(Clone, Debug)]
struct Piece<T> {
    /// Index in the whole list of `items[0]`.
    first: usize,
    /// Added (wrapping) to each item as it is read.
    add: usize,
    items: Arc<Vec<T>>,
}

impl<T: Moved> Piece<T> {
    fn at(&self, k: usize) -> T {
        self.items[k].moved(self.add)
    }

    fn read(&self, from: usize) -> impl DoubleEndedIterator<Item = T> + Clone + '_ {
        self.items[from..].iter().map(|x| x.moved(self.add))
    }
}

/// Every piece holds at least one item; `first` counts the items of those before it.
#[derive(Clone)]
pub struct Shifted<T> {
    pieces: Vec<Piece<T>>,
    len: usize,
}

impl<T> Default for Shifted<T> {
    fn default() -> Self {
        Shifted {
            pieces: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Moved> Shifted<T> {
    pub fn new(items: &[T]) -> Self {
        let mut out = Shifted::default();
        for part in items.chunks(T::CHUNK) {
            out.push(part.to_vec());
        }
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

    pub fn get(&self, i: usize) -> Option<T> {
        let (c, k) = self.locate(i);
        self.pieces.get(c).map(|p| p.at(k))
    }

    /// The number of leading items `pred` holds for (it holds for a prefix of the list,
    /// as `slice::partition_point` asks).
    pub fn partition_point(&self, pred: impl Fn(T) -> bool) -> usize {
        let c = self.pieces.partition_point(|p| pred(p.at(0)));
        match c.checked_sub(1).map(|c| &self.pieces[c]) {
            None => 0,
            Some(p) => p.first + p.items.partition_point(|&x| pred(x.moved(p.add))),
        }
    }

    /// This list with items `keep..after` replaced by `middle` and `shift` added to those
    /// after them.
    pub fn splice(&self, keep: usize, after: usize, middle: &[T], shift: usize) -> Self {
        debug_assert!(keep <= after && after <= self.len);
        let (c0, k0) = self.locate(keep);
        let (c1, k1) = self.locate(after);
        let mut out = Shifted {
            pieces: Vec::with_capacity(self.pieces.len() + 2),
            len: keep - k0,
        };
        out.pieces.extend_from_slice(&self.pieces[..c0]);
        // What is rebuilt: the start of the piece the edit begins in, what it inserts, and
        // the rest of the piece it ends in.
        let rest = self.pieces.get(c1).map_or(0, |p| p.items.len() - k1);
        let mut merged = Vec::with_capacity(k0 + middle.len() + rest);
        let mut copy = |from: &[T], add: usize| match add {
            0 => merged.extend_from_slice(from),
            _ => merged.extend(from.iter().map(|x| x.moved(add))),
        };
        if let Some(p) = self.pieces.get(c0) {
            copy(&p.items[..k0], p.add);
        }
        copy(middle, 0);
        if let Some(p) = self.pieces.get(c1) {
            copy(&p.items[k1..], p.add.wrapping_add(shift));
        }
        if merged.len() < 2 * T::CHUNK {
            out.push(merged);
        } else {
            for part in merged.chunks(T::CHUNK) {
                out.push(part.to_vec());
            }
        }
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

    /// Appends `items` as one piece, unless it is empty.
    fn push(&mut self, items: Vec<T>) {
        if items.is_empty() {
            return;
        }
        let len = items.len();
        self.pieces.push(Piece {
            first: self.len,
            add: 0,
            items: Arc::new(items),
        });
        self.len += len;
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = T> + Clone + '_ {
        self.pieces.iter().flat_map(|p| p.read(0))
    }

    /// Items `range` (clamped to the list), without walking those before it.
    pub fn range(&self, range: Range<usize>) -> impl Iterator<Item = T> + '_ {
        let (c, k) = self.locate(range.start);
        let count = range.end.min(self.len).saturating_sub(range.start);
        self.pieces
            .iter()
            .skip(c)
            .enumerate()
            .flat_map(move |(n, p)| p.read(if n == 0 { k } else { 0 }))
            .take(count)
    }
}

impl<T: Moved + PartialEq> PartialEq for Shifted<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Moved + std::fmt::Debug> std::fmt::Debug for Shifted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNK: usize = <u32 as Moved>::CHUNK;

    fn spliced(v: &[u32], keep: usize, after: usize, middle: &[u32], shift: usize) -> Vec<u32> {
        let mut out = v[..keep].to_vec();
        out.extend_from_slice(middle);
        out.extend(v[after..].iter().map(|&x| x.moved(shift)));
        out
    }

    #[test]
    fn reads_and_splices_as_a_vector_does_and_shares_what_an_edit_leaves() {
        let v: Vec<u32> = (0..5 * CHUNK as u32 + 7).map(|x| 3 * x).collect();
        let s = Shifted::new(&v);
        assert!(s.iter().eq(v.iter().copied()));
        assert_eq!(s.get(v.len()), None);
        for r in [
            0..0,
            0..3,
            CHUNK - 2..CHUNK + 3,
            2 * CHUNK..5 * CHUNK + 7,
            7..v.len() + 9,
        ] {
            let want = &v[r.start.min(v.len())..r.end.min(v.len())];
            assert!(s.range(r.clone()).eq(want.iter().copied()), "{r:?}");
        }
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
        let cases: [(usize, usize, Vec<u32>, usize); 6] = [
            (0, 0, vec![1, 2], 0),
            (v.len(), v.len(), vec![10_000], 0),
            (5, 2 * CHUNK + 5, vec![], 0usize.wrapping_sub(7)),
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
        assert_eq!(Shifted::<u32>::new(&[]).len(), 0);
        assert_eq!(Shifted::<u32>::new(&[]).partition_point(|_| true), 0);
    }
}
