//! «Филиалы» (the head, the front desk): the clinic's branches with name, address and phone;
//! adding and changing one; deleting one nothing refers to, deactivating one with history.

use crate::features::clinic::api::{get_branches, DeleteBranch, SaveBranch, SetBranchActive};
use crate::features::clinic::rules::BranchRecord;
use crate::i18n::use_texts;
use crate::kernel::account::Roles;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;

#[component]
pub fn BranchesPage() -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<SaveBranch>::new();
    let delete = ServerAction::<DeleteBranch>::new();
    let active = ServerAction::<SetBranchActive>::new();
    let save_error = last_error(save.value());
    let delete_error = last_error(delete.value());
    let active_error = last_error(active.value());
    let list = Resource::new(
        move || (save.version().get(), delete.version().get(), active.version().get()),
        |_| get_branches(),
    );
    view! {
        <Title text=t.clinic().branches_title/>
        <RequireStaff allowed=Roles::can_manage_booking view=move |_| view! {
            <h1>{t.clinic().branches_title}</h1>
            <FormError error=delete_error/>
            <FormError error=active_error/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t.clinic().no_branches}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="team">
                                {list.into_iter().map(|b| view! { <BranchItem b save delete active/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <section class="panel">
                <h2>{t.clinic().add_branch}</h2>
                <ActionForm action=save attr:class="stack">
                    <label for="branch-name">{t.clinic().branch_name}</label>
                    <input id="branch-name" name="name" type="text" required maxlength="200" aria-describedby="name-error"/>
                    <FieldError error=save_error field="name"/>
                    <label for="branch-address">{t.clinic().clinic_address}</label>
                    <input id="branch-address" name="address" type="text" required maxlength="300" aria-describedby="address-error"/>
                    <FieldError error=save_error field="address"/>
                    <label for="branch-phone">{t.clinic().branch_phone}</label>
                    <input id="branch-phone" name="phone" type="tel" maxlength="40" inputmode="tel" aria-describedby="phone-error"/>
                    <FieldError error=save_error field="phone"/>
                    <FormError error=save_error/>
                    <button type="submit" class="primary">{t.clinic().add_branch}</button>
                </ActionForm>
            </section>
        }/>
    }
}

#[component]
fn BranchItem(
    b: BranchRecord,
    save: ServerAction<SaveBranch>,
    delete: ServerAction<DeleteBranch>,
    active: ServerAction<SetBranchActive>,
) -> impl IntoView {
    let t = use_texts();
    let c = t.clinic();
    let id = b.id;
    // Each branch's fields get ids of their own, so that every label names its field.
    let field = move |name: &str| format!("branch-{id}-{name}");
    view! {
        <li class="panel" data-testid="branch">
            <h2>{b.name.clone()}</h2>
            {(!b.active).then(|| view! { <p class="notice">{c.branch_off}</p> })}
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for=field("name")>{c.branch_name}</label>
                <input id=field("name") name="name" type="text" required maxlength="200" value=b.name.clone()/>
                <label for=field("address")>{c.clinic_address}</label>
                <input id=field("address") name="address" type="text" required maxlength="300" value=b.address.clone()/>
                <label for=field("phone")>{c.branch_phone}</label>
                <input id=field("phone") name="phone" type="tel" maxlength="40" inputmode="tel" value=b.phone.clone()/>
                <button type="submit">{c.save}</button>
            </ActionForm>
            <div class="actions">
                <ActionForm action=active>
                    <input type="hidden" name="id" value=id.to_string()/>
                    {(!b.active).then(|| view! { <input type="hidden" name="active" value="on"/> })}
                    <button type="submit">{if b.active { c.deactivate } else { c.activate }}</button>
                </ActionForm>
                // Offered for every branch: one with history is refused with the reason.
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="danger">{c.delete}</button>
                </ActionForm>
            </div>
        </li>
    }
}
