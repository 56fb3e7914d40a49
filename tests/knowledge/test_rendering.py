"""Article Markdown: a list may follow a paragraph line directly (as in CommonMark), without
changing code blocks or other Markdown, and the output stays sanitised."""

import pytest

from knowledge.bundles import bundle_import
from knowledge.rendering import render_markdown


@pytest.mark.parametrize("marker", ["-", "*", "+"])
def test_a_bullet_list_may_directly_follow_a_paragraph(marker):
    html = render_markdown(f"正文：\n{marker} 列表一\n{marker} 列表二")
    assert html == "<p>正文：</p>\n<ul>\n<li>列表一</li>\n<li>列表二</li>\n</ul>"


def test_an_ordered_list_starting_at_one_may_directly_follow_a_paragraph():
    html = render_markdown("步骤：\n1. 先问需求\n2. 再讲方案")
    assert html == "<p>步骤：</p>\n<ol>\n<li>先问需求</li>\n<li>再讲方案</li>\n</ol>"


def test_a_number_inside_prose_does_not_start_a_list():
    # CommonMark: only "1." interrupts a paragraph, so a wrapped line starting "14." stays prose.
    html = render_markdown("The number of windows in my house is\n14.  The number of doors is 6.")
    assert "<ol>" not in html and "<li>" not in html


def test_lists_inside_a_block_quote_may_follow_a_paragraph():
    html = render_markdown("> 提醒：\n> - 如实告知\n> - 犹豫期")
    assert "<blockquote>" in html and "<li>如实告知</li>" in html and "<li>犹豫期</li>" in html
    assert "<p>提醒：</p>" in html


def test_existing_lists_are_unchanged():
    # Tight lists, nested lists and lazy continuation lines render as before (no <p> inside <li>).
    html = render_markdown("要点：\n\n- 一\n  续行\n- 二\n    - 二之一\n- 三")
    assert "<p>要点：</p>" in html
    assert "<li>一\n  续行</li>" in html or "<li>一\n续行</li>" in html
    assert "<li><p>" not in html and html.count("<ul>") == 2


def test_code_blocks_and_thematic_breaks_are_left_alone():
    code = render_markdown("示例：\n\n    line one\n    - not a list\n\nafter")
    assert "<pre><code>line one\n- not a list\n</code></pre>" in code
    assert "<li>" not in code

    fenced = render_markdown("```\nprose\n- not a list\n```")
    assert "<li>" not in fenced

    hr = render_markdown("上文\n\n* * *\n\n下文")
    assert "<hr>" in hr and "<li>" not in hr

    setext = render_markdown("标题\n---\n正文")
    assert "<h2>标题</h2>" in setext


def test_list_output_stays_sanitised():
    html = render_markdown(
        "正文：\n- <script>alert(1)</script>\n- [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>"
    )
    assert html.count("<li>") == 3
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


@pytest.mark.django_db
def test_article_page_shows_a_list_under_a_lead_in_line(org, agent, login):
    bundle_import(
        organisation=org,
        data={
            "articles": [
                {
                    "slug": "lead-in",
                    "title": "Lead in",
                    "language": "zh",
                    "body": "## 要点\n必须同时满足：**外来的**。\n- 摔倒骨折：意外\n- 心梗：疾病",
                }
            ]
        },
    )
    html = login(agent).get("/knowledge/articles/lead-in/").content.decode()
    body = html[html.index('data-testid="article-body"') :]
    assert "<li>摔倒骨折：意外</li>" in body and "<li>心梗：疾病</li>" in body
    assert "- 摔倒骨折" not in body
