"""The Discussion tab's pages. Each asks the policy (competitions.policy.discussion),
calls one service and renders or redirects."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions import policy
from competitions.views import tab_context

from . import services
from .forms import PostForm, ThreadForm
from .throttling import posting_refusal

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20


def thread_list(request, slug):
    competition = policy.competition_for(request.user, slug)
    threads = Paginator(policy.visible_threads(request.user, competition), THREADS_PER_PAGE)
    return render(request, "discussion/list.html", {
        **tab_context(request, competition, "discussion"),
        "page": threads.get_page(request.GET.get("page")),
        "may_post": policy.may_post(request.user, competition),
    })


def thread_new(request, slug):
    competition = policy.competition_for(request.user, slug)
    policy.posting_required(request.user, competition)
    form = ThreadForm(request.POST or None,
                      may_announce=policy.may_announce(request.user, competition))
    if form.is_valid() and _may_post_now(request, form):
        thread = services.thread_create(
            competition=competition, author=request.user, title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            is_announcement=form.cleaned_data.get("is_announcement", False))
        return redirect("discussion_thread", slug=slug, pk=thread.pk)
    return render(request, "discussion/new.html", {
        **tab_context(request, competition, "discussion"), "form": form,
    }, status=400 if form.errors else 200)


def thread_detail(request, slug, pk):
    """The thread's posts, a page at a time; a POST is a reply."""
    competition = policy.competition_for(request.user, slug)
    thread = policy.thread_for(request.user, competition, pk)
    form = PostForm(request.POST or None)
    if request.method == "POST":
        policy.replying_required(request.user, thread)
        if form.is_valid() and _may_post_now(request, form):
            post = services.reply_create(thread=thread, author=request.user,
                                         body=form.cleaned_data["body"])
            return redirect(post_url(post))
    posts = Paginator(thread.posts.select_related("author__profile"), POSTS_PER_PAGE)
    page = posts.get_page(request.GET.get("page"))
    for post in page:
        post.shown_body = policy.shown_body(request.user, post)
        # Learners tell the teacher's answer from a classmate's guess by this badge.
        post.by_runner = post.author is not None and policy.named_runner(post.author,
                                                                         competition)
    return render(request, "discussion/thread.html", {
        **tab_context(request, competition, "discussion"), "thread": thread, "page": page,
        "form": form, "may_reply": _may(policy.replying_required, request.user, thread),
        "may_choose_answer": policy.may_choose_answer(request.user, thread),
        "moderates": policy.organizes(request.user, competition),
    }, status=400 if form.errors else 200)


def post_edit(request, slug, pk):
    competition = policy.competition_for(request.user, slug)
    post = policy.post_for(request.user, competition, pk)
    policy.editing_required(request.user, post)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if form.is_valid():
        services.post_edit(post=post, body=form.cleaned_data["body"])
        return redirect(post_url(post))
    return render(request, "discussion/edit.html", {
        **tab_context(request, competition, "discussion"), "post": post, "form": form,
    }, status=400 if form.errors else 200)


@require_POST
def post_delete(request, slug, pk):
    competition = policy.competition_for(request.user, slug)
    post = policy.post_for(request.user, competition, pk)
    policy.deleting_required(request.user, post)
    services.post_delete(post=post)
    messages.success(request, _("Your post was deleted."))
    return redirect(post_url(post))


@require_POST
def post_answer(request, slug, pk):
    """Mark a reply as its thread's answer, or (`answer=0`) unmark it."""
    competition = policy.competition_for(request.user, slug)
    post = policy.post_for(request.user, competition, pk)
    policy.answer_choosing_required(request.user, post.thread)
    try:
        services.answer_choose(post=post, answer=request.POST.get("answer") != "0")
    except services.DiscussionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect(post_url(post))


@require_POST
def post_hide(request, slug, pk):
    competition = policy.competition_for(request.user, slug)
    post = policy.post_for(request.user, competition, pk)
    policy.moderation_required(request.user, competition)
    services.post_hide(post=post, hidden=request.POST.get("hidden") != "0")
    return redirect(post_url(post))


@require_POST
def thread_lock(request, slug, pk):
    competition = policy.competition_for(request.user, slug)
    thread = policy.thread_for(request.user, competition, pk)
    policy.moderation_required(request.user, competition)
    services.thread_lock(thread=thread, locked=request.POST.get("locked") != "0")
    return redirect("discussion_thread", slug=slug, pk=pk)


def post_url(post) -> str:
    """The page of its thread where the post is, at the post."""
    before = post.thread.posts.filter(Q(created_at__lt=post.created_at)
                                      | Q(created_at=post.created_at, pk__lt=post.pk)).count()
    page = before // POSTS_PER_PAGE + 1
    url = reverse("discussion_thread", args=[post.thread.competition.slug, post.thread_id])
    query = f"?page={page}" if page > 1 else ""
    return f"{url}{query}#post-{post.pk}"


def _may_post_now(request, form) -> bool:
    """The rate limit, counted only for a post that would be saved."""
    refusal = posting_refusal(request)
    if refusal:
        form.add_error(None, refusal)
    return refusal is None


def _may(check, *args) -> bool:
    try:
        check(*args)
    except policy.Refusal:
        return False
    return True
