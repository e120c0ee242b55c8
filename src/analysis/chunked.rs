//! A list shared between consecutive analyses in fixed-size chunks, so that a keystroke
//! which changes one item copies one chunk, not the list: cloning it touches one shared
//! pointer per chunk instead of every item's, and so does freeing the analysis it
//! replaced. At 100k words the actor list has 1,800 items, each holding two shared
//! pointers scattered over the heap; copying them all was a large part of a keystroke.

use std::sync::Arc;

/// Items per chunk: small enough that copying one for an edit is cheap, large enough
/// that the list of chunks stays short.
const CHUNK: usize = 32;

/// Every chunk but the last holds exactly `CHUNK` items, so item `i` is found directly.
#[derive(Clone)]
pub struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl<T: Clone> Chunked<T> {
    /// Item `i` for changing, its chunk copied first if another list shares it.
    ///
    /// # Panics
    /// If `i` is out of range, as indexing a `Vec` does.
    pub fn make_mut(&mut self, i: usize) -> &mut T {
        &mut Arc::make_mut(&mut self.chunks[i / CHUNK])[i % CHUNK]
    }
}

impl<T> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut chunks = Vec::new();
        let mut len = 0;
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let chunk: Vec<T> = items.by_ref().take(CHUNK).collect();
            len += chunk.len();
            chunks.push(Arc::new(chunk));
        }
        Chunked { chunks, len }
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!("index {i} out of range for a list of {}", self.len),
        }
    }
}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = std::iter::FlatMap<
        std::slice::Iter<'a, Arc<Vec<T>>>,
        &'a Vec<T>,
        fn(&'a Arc<Vec<T>>) -> &'a Vec<T>,
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flat_map(|c| &**c)
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_iterates_and_copies_only_the_chunk_it_changes() {
        let items: Vec<usize> = (0..3 * CHUNK + 5).collect();
        let a: Chunked<usize> = items.clone().into();
        assert_eq!(a.len(), items.len());
        assert!(a.iter().eq(items.iter()));
        assert!((&a).into_iter().rev().eq(items.iter().rev()));
        for i in [0, CHUNK - 1, CHUNK, 3 * CHUNK + 4] {
            assert_eq!(a[i], i);
        }
        assert_eq!(a.get(items.len()), None);
        let mut b = a.clone();
        *b.make_mut(CHUNK + 1) = 0;
        assert_eq!(a[CHUNK + 1], CHUNK + 1, "the original is untouched");
        assert_eq!(b[CHUNK + 1], 0);
        let shared = |x: &Chunked<usize>, y: &Chunked<usize>| {
            x.chunks
                .iter()
                .zip(&y.chunks)
                .filter(|(p, q)| Arc::ptr_eq(p, q))
                .count()
        };
        assert_eq!(shared(&a, &b), 3, "one chunk of four was copied");
        assert_ne!(a, b);
        assert_eq!(Chunked::<u8>::default(), Vec::new().into());
    }
}
