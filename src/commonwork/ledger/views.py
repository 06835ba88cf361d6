"""The money pages: a member's pay and statements, a client's invoices, the stewards'
books and payouts, and the public transparency page."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core import csvsafe, money
from commonwork.core.errors import DomainError, NotFound
from commonwork.core.idempotency import new_form_key
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.core.panels import Panel
from commonwork.core.replica import reads_from_standby
from commonwork.ledger import selectors
from commonwork.ledger.actions import payouts, periods, tip_task
from commonwork.ledger.forms import (
    CoopBankForm,
    PayoutAccountForm,
    TipForm,
)
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.models import Cooperative, Membership, Role
from commonwork.members.selectors import cooperative_currency, require_role
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task


def _money_context(
    request: AuthenticatedRequest, form: PayoutAccountForm | None = None
) -> dict[str, Any]:
    statements = list(selectors.statements_of(request.user)[:26])
    account = selectors.payout_account_of(request.user)
    initial = (
        {"holder": account.holder, "iban": account.iban, "bic": account.bic} if account else {}
    )
    chart = selectors.pay_chart(statements)
    return {
        "statements": statements,
        "chart": chart,
        "chart_ticks": selectors.pay_chart_ticks(statements),
        "chart_width": max(50 * len(chart) + 10, 200),  # room for the legend
        "invoices": selectors.invoices_of(request.user)[:26],
        "owed_minor": selectors.balance_of_member(request.user),
        "payout_account": account,
        "form": form or PayoutAccountForm(initial=initial),
    }


@login_required
def money_home(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "ledger/money.html", _money_context(request))


@login_required
@require_POST
def payout_account(request: AuthenticatedRequest) -> HttpResponse:
    form = PayoutAccountForm(request.POST)
    context = _money_context(request, form)
    if not form.is_valid():
        return render_invalid_form(request, "ledger/money.html", context)
    try:
        payouts.set_payout_account(
            actor=request.user,
            holder=form.cleaned_data["holder"],
            iban=form.cleaned_data["iban"],
            bic=form.cleaned_data["bic"],
        )
    except DomainError as error:
        return render_form_error(request, "ledger/money.html", context, form, error)
    messages.success(request, _("Your bank details are saved."))
    return redirect("money_home")


@login_required
def statement_detail(request: AuthenticatedRequest, statement_id: int) -> HttpResponse:
    try:
        statement = selectors.statement_for(request.user, statement_id)
    except NotFound as error:
        return render_refusal(request, error)
    figures = statement.figures
    price = figures["price_minor"]
    shares = {
        key: (100 * figures[f"{key}_minor"] / price if price else 0)
        for key in ("earnings", "fee", "solidarity")
    }
    return render(
        request,
        "ledger/statement.html",
        {
            "statement": statement,
            "f": figures,
            "shares": shares,
            "share_parts": [(key, shares[name]) for key, name in SHARE_PARTS if name in shares],
        },
    )


@login_required
def statement_csv(request: AuthenticatedRequest, statement_id: int) -> HttpResponse:
    try:
        statement = selectors.statement_for(request.user, statement_id)
    except NotFound as error:
        return render_refusal(request, error)
    currency = cooperative_currency()
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["item", "value", "unit"])
    writer.writerow(["period_start", statement.period.starts_on.isoformat(), "date"])
    writer.writerow(["period_end_exclusive", statement.period.ends_on.isoformat(), "date"])
    for key, value in statement.figures.items():
        unit = currency if key.endswith("_minor") else ("seconds" if "seconds" in key else "")
        if key.endswith("_minor") and value is not None:
            value = money.major_units(int(value), currency)
        writer.writerow([key.removesuffix("_minor"), value, unit])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"statement-{statement.period.starts_on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def invoice_detail(request: AuthenticatedRequest, invoice_id: int) -> HttpResponse:
    try:
        invoice = selectors.invoice_for(request.user, invoice_id)
    except NotFound as error:
        return render_refusal(request, error)
    return render(request, "ledger/invoice.html", {"invoice": invoice})


@login_required
@require_POST
def tip(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    form = TipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a tip of at least 0.01."))
        return redirect("task_detail", task_id=task_id)
    amount = form.cleaned_data["amount"]
    try:
        tip_task(
            actor=request.user,
            task_id=task_id,
            amount_minor=money.to_minor(amount, cooperative_currency()),
            key=form.cleaned_data["key"],
            confirmed=form.cleaned_data["confirm"],
        )
    except DomainError as error:
        if error.code == "confirm":
            # A large tip: say how large, and let the client confirm it or think again.
            return render(
                request,
                "ledger/tip_confirm.html",
                {"task_id": task_id, "amount": amount, "key": form.cleaned_data["key"]},
            )
        return render_refusal(request, error)
    messages.success(request, _("Thank you. The whole tip goes to the worker."))
    return redirect("task_detail", task_id=task_id)


# The statement's bar: each part's class and its key in the shares.
SHARE_PARTS = (("worker", "earnings"), ("fee", "fee"), ("solidarity", "solidarity"))


def tip_panel(request: HttpRequest, task: Task) -> Panel | None:
    """On a completed task's page, its client may thank the worker with a tip."""
    if task.status != TaskStatus.COMPLETED or task.project.client_id != request.user.pk:
        return None
    return "ledger/_tip.html", {"task": task, "tip_form": TipForm(initial={"key": new_form_key()})}


# --- stewards -----------------------------------------------------------------------


@login_required
def books(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user, Role.STEWARD)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "ledger/books.html", _books_context())


def _books_context(bank_form: CoopBankForm | None = None) -> dict[str, Any]:
    context = selectors.books_overview()
    context["next_period_start"] = periods.next_period_start()
    cooperative = Cooperative.objects.get(pk=1)
    context["bank_form"] = bank_form or CoopBankForm(
        initial={
            "holder": cooperative.bank_account_holder or cooperative.name,
            "iban": cooperative.bank_iban,
            "bic": cooperative.bank_bic,
        }
    )
    return context


@login_required
@require_POST
def coop_bank_account(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user, Role.STEWARD)
    except DomainError as error:
        return render_refusal(request, error)
    form = CoopBankForm(request.POST)
    context = _books_context(form)
    if not form.is_valid():
        return render_invalid_form(request, "ledger/books.html", context)
    try:
        payouts.set_coop_bank_account(
            actor=request.user,
            holder=form.cleaned_data["holder"],
            iban=form.cleaned_data["iban"],
            bic=form.cleaned_data["bic"],
        )
    except DomainError as error:
        return render_form_error(request, "ledger/books.html", context, form, error)
    messages.success(request, _("The co-op's bank account is saved."))
    return redirect("books")


def _steward_post(request: AuthenticatedRequest, operation: Any, done: str) -> HttpResponse:
    try:
        operation()
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, done)
    return redirect("books")


@login_required
@require_POST
def close_period(request: AuthenticatedRequest) -> HttpResponse:
    return _steward_post(
        request,
        lambda: periods.close_period(actor=request.user),
        _("The period is closed; statements and invoices are ready."),
    )


@login_required
@require_POST
def prepare_batch(request: AuthenticatedRequest, period_id: int) -> HttpResponse:
    return _steward_post(
        request,
        lambda: payouts.prepare_payout_batch(actor=request.user, period_id=period_id),
        _("The payout batch is ready to download and send to the bank."),
    )


@login_required
@require_POST
def mark_paid(request: AuthenticatedRequest, batch_id: int) -> HttpResponse:
    return _steward_post(
        request,
        lambda: payouts.mark_batch_paid(actor=request.user, batch_id=batch_id),
        _("The batch is marked paid and posted to the books."),
    )


@login_required
@require_POST
def cancel_batch(request: AuthenticatedRequest, batch_id: int) -> HttpResponse:
    return _steward_post(
        request,
        lambda: payouts.cancel_payout_batch(actor=request.user, batch_id=batch_id),
        _("The batch is cancelled; what it held is owed again, for the next batch."),
    )


@login_required
def batch_file(request: AuthenticatedRequest, batch_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xml"):
        raise Http404
    try:
        batch = selectors.payout_batch_for_file(request.user, batch_id)
        if fmt == "csv":
            body: str | bytes = payouts.batch_csv(batch)
            content_type = "text/csv; charset=utf-8"
        elif fmt == "xml":
            body = payouts.batch_pain001(batch)
            content_type = "application/xml"
        else:
            raise Http404
    except DomainError as error:
        return render_refusal(request, error)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="payout-{batch.pk}.{fmt}"'
    return response


# --- everyone ---------------------------------------------------------------------------


@reads_from_standby
def transparency(request: HttpRequest) -> HttpResponse:
    return render(request, "ledger/transparency.html", selectors.transparency())


def fund_alert_panel(request: HttpRequest, membership: Membership) -> Panel | None:
    """On the steward console: a warning while the solidarity fund is near its limit, or
    the floor went unpaid."""
    account = selectors.floor_account()
    if not (account["fund_low"] or account["floor_unpaid_minor"]):
        return None
    return "ledger/_fund_alert.html", account
