//! One service's slots as a grid of buttons: click a free one to reserve, one of mine to
//! cancel.

use hotelband_core::{Service, Slot};
use leptos::prelude::*;

use crate::clock;
use crate::ctx::ctx;
use crate::present::{SlotLook, SlotState, table_looks, whole_range};

/// One signal per slot button, set only when that slot's look changes: a reply wakes the
/// few buttons it changed, and the others do no work at all.
#[derive(Copy, Clone)]
struct Looks(StoredValue<Vec<ArcRwSignal<SlotLook>>>);

impl Looks {
    fn new() -> Self {
        Looks(StoredValue::new(Vec::new()))
    }

    /// Slot `n`'s signal (1-based); a slot not seen before starts unknown.
    fn of(self, n: u16) -> ArcRwSignal<SlotLook> {
        let i = usize::from(n).saturating_sub(1);
        self.0.update_value(|cells| grow(cells, i + 1));
        self.0.with_value(|cells| cells[i].clone())
    }

    /// Shows `looks` (slots 1, 2, …), setting only the signals whose look differs.
    fn show(self, looks: &[SlotLook]) {
        let changed: Vec<(ArcRwSignal<SlotLook>, SlotLook)> = {
            self.0.update_value(|cells| grow(cells, looks.len()));
            self.0.with_value(|cells| {
                cells
                    .iter()
                    .zip(looks)
                    .filter(|(cell, look)| cell.with_untracked(|old| old != *look))
                    .map(|(cell, look)| (cell.clone(), *look))
                    .collect()
            })
        };
        for (cell, look) in changed {
            cell.set(look);
        }
    }
}

fn grow(cells: &mut Vec<ArcRwSignal<SlotLook>>, len: usize) {
    while cells.len() < len {
        cells.push(ArcRwSignal::new(SlotLook::UNKNOWN));
    }
}

/// The slot grid of `service`, with its last refresh time and last error.
#[component]
pub(crate) fn SlotTable(service: Service) -> impl IntoView {
    let ctx = ctx();
    let board = ctx.board;
    let name = service.name();
    let window = Memo::new(move |_| board.window());
    let shown = Memo::new(move |_| {
        let window = window.get();
        if ctx.show_all.get() {
            board.view.with(|v| whole_range(v, service, window))
        } else {
            window
        }
    });
    let looks = Looks::new();
    // Every reply: one pass over the slots in plain Rust, then signals for the changed ones.
    Effect::new(move |_| {
        let new = board
            .view
            .with(|v| table_looks(v, service, shown.get(), window.get()));
        looks.show(&new);
    });
    let refreshed = Memo::new(move |_| {
        board.view.with(|v| {
            let sv = &v.services[service.index()];
            match sv.free_at.max(sv.holds_at) {
                Some(at) => format!("refreshed {}", clock::wall(at)),
                None => "not read yet".to_owned(),
            }
        })
    });
    let error = Memo::new(move |_| {
        board
            .errors
            .with(|e| e[service.index()].clone().unwrap_or_default())
    });
    let click = move |n: u16, look: SlotLook| {
        let Some(slot) = Slot::new(n) else {
            return;
        };
        match look.state {
            SlotState::Free => ctx.drive(|d| d.reserve(service, slot)),
            SlotState::Mine => ctx.drive(|d| d.cancel(service, slot)),
            SlotState::Taken | SlotState::Unknown => {}
        }
    };
    let title = match service {
        Service::Hotel => "Hotel",
        Service::Band => "Band",
    };
    view! {
        <section class="panel service" aria-labelledby=format!("{name}-title")>
            <h2 id=format!("{name}-title")>{title}</h2>
            <p class="meta" id=format!("{name}-refreshed")>{refreshed}</p>
            <p class="error" id=format!("{name}-error") role="alert">{error}</p>
            <div class="slots" id=format!("{name}-slots") role="group" aria-label=format!("{title} slots")>
                <For each=move || 1..=shown.get() key=|n| *n let:n>
                    {
                        let look = RwSignal::from(looks.of(n));
                        view! {
                            <button
                                type="button"
                                class=move || look.with(|l| l.class())
                                data-slot=n.to_string()
                                data-state=move || look.with(|l| l.state.name())
                                data-pair=move || look.with(|l| l.pair.then_some("true"))
                                data-common=move || look.with(|l| l.common.then_some("true"))
                                data-avoided=move || look.with(|l| l.avoided.then_some("true"))
                                aria-busy=move || look.with(|l| l.busy.then_some("true"))
                                aria-disabled=move || look.with(|l| (!l.clickable()).then_some("true"))
                                on:click=move |_| click(n, look.get_untracked())
                            >
                                <span class="num">{n}</span>
                                <span class="mark">
                                    {move || look.with(|l| l.mark())}
                                    <span class="vh">{move || look.with(|l| l.unseen_words())}</span>
                                </span>
                            </button>
                        }
                    }
                </For>
            </div>
        </section>
    }
}
