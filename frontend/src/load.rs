//! [`Res`]: a loaded API value, like Leptos's `LocalResource<Result<T, ApiError>>` but with one
//! instance of the resource machinery for the whole app.
//!
//! Every `LocalResource::new` call site compiles the async-derived signal machinery anew for its
//! fetcher and future types (several KB of wasm each). Here every load goes through one fetcher
//! type that returns a boxed future of a type-erased value; only the small conversion to and
//! from `T` is per type. This keeps the first visit within its size budget (DESIGN §6).

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::api::ApiError;

/// A loaded value of any type.
type Erased = Result<Arc<dyn Any + Send + Sync>, ApiError>;
type Fetch = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Erased>>>>;

/// A value loaded from the API, reloaded when the signals its fetcher reads change.
pub struct Res<T> {
    inner: LocalResource<Erased>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for Res<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Res<T> {}

/// The one resource constructor of the app.
fn erased(fetch: Fetch) -> LocalResource<Erased> {
    LocalResource::new(move || fetch())
}

impl<T: Clone + Send + Sync + 'static> Res<T> {
    pub fn new<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Res<T>
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let fetch: Fetch = Rc::new(move || {
            let fut = fetcher();
            Box::pin(async move { fut.await.map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>) })
        });
        Res {
            inner: erased(fetch),
            _t: PhantomData,
        }
    }

    /// The value (tracked): `None` while loading.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.inner.get().map(|r| {
            r.map(|v| {
                v.downcast_ref::<T>()
                    .cloned()
                    .expect("a resource holds the type it was made with")
            })
        })
    }

    /// Loads again.
    pub fn refetch(&self) {
        self.inner.refetch();
    }
}

/// Read access to data shared by a page's closures, with the same call as Leptos's
/// `StoredValue::with_value`: an `Arc` costs nothing to compile per type, a `StoredValue` does.
pub trait Shared<T> {
    fn with_value<R>(&self, f: impl FnOnce(&T) -> R) -> R;
}

impl<T> Shared<T> for Arc<T> {
    fn with_value<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(self)
    }
}
