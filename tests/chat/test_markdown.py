"""Markdown in messages: what renders, what is shown as text, and mentions."""

from workspace.services.chat.markdown import find_mentions, render

PEOPLE = [(1, "Ann Smith"), (2, "Ann"), (3, "Bob O'Neil")]


def test_common_markdown_renders():
    html = render("**bold** _em_ `code` ~~gone~~\n\n- one\n- two\n\n> quoted")
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<code>code</code>" in html and "<s>gone</s>" in html
    assert "<ul>\n<li>one</li>" in html and "<blockquote>" in html


def test_links_get_rel_noopener_nofollow():
    html = render("[site](https://example.org) and <https://example.org/x>")
    assert html.count('rel="noopener nofollow noreferrer"') == 2
    assert 'href="https://example.org"' in html


def test_raw_html_is_shown_as_text():
    html = render('<b onclick="x()">hi</b>')
    assert "<b" not in html and "&lt;b onclick" in html


def test_tables_keep_alignment_only():
    html = render("| a | b |\n|:-|-:|\n| 1 | 2 |")
    assert '<th class="align-left">a</th>' in html and '<td class="align-right">2</td>' in html
    assert "style" not in html  # the Content-Security-Policy would refuse a style attribute


def test_mentions_match_the_longest_name_and_are_highlighted():
    html = render("Hi @Ann Smith, @ann and @Bob O'Neil; not `@Ann` nor me@Ann", PEOPLE)
    assert '<span class="mention" data-user-id="1">@Ann Smith</span>' in html
    assert '<span class="mention" data-user-id="2">@ann</span>' in html
    assert '<span class="mention" data-user-id="3">@Bob O\'Neil</span>' in html
    assert "<code>@Ann</code>" in html and "me@Ann" in html
    assert find_mentions("Hi @Ann Smith, @ann and @Annie; me@Ann", PEOPLE) == [1, 2]


def test_a_mention_name_is_escaped():
    html = render("@<b>x</b>", [(9, "<b>x</b>")])
    assert '<span class="mention" data-user-id="9">@&lt;b&gt;x&lt;/b&gt;</span>' in html


def test_images_become_links_so_readers_browsers_fetch_nothing():
    html = render('![the plan](https://tracker.example/pixel.png "t") and '
                  '![x](javascript:alert(1))')
    assert "<img" not in html
    assert '<a href="https://tracker.example/pixel.png" rel="noopener nofollow noreferrer">' \
           'the plan</a>' in html
    assert "href=\"javascript" not in html
