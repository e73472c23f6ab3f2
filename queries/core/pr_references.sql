-- pr_references: one row per reference a pull request makes to a PR or issue of another repo:
-- `ORG/REPO#N` or a github.com URL of a pull request or issue in its body (`source` 'body', at
-- the PR's creation) or in one of its conversation comments ('comment', at the comment), and
-- GitHub's cross-referenced timeline event, which the referenced PR's timeline holds ('timeline',
-- at the event). `phrase` is 'depends_on' for a reference after "depends on", "depending on",
-- "blocked by", "requires", "needs" or "after", 'blocks' after "blocks", "blocking" or
-- "required by", else 'mention'. A phrase reaches the references of its clause (to the next
-- phrase, or . ; ! or ? before a space or the line's end) when no comma stands between it and
-- the first of them: "After the outage, this updates acme/api#12" only mentions it. A line
-- ending in a phrase ("Depends on:") gives it to the list below it, up to a blank line (one
-- right below it, as under a Markdown heading, aside). Emphasis marks ("**Depends on:**")
-- say nothing. A bare `#N` names the PR's own repo and is left out; references inside the
-- same repo are too. Links are read on the host of the GitHub `[github] api_url` names
-- (settings_github.web_host): github.com, or a GitHub Enterprise Server's (github.com's links
-- then name another org's repos, not the server's), no other host (www.github.com neither:
-- GitHub's autolinked references name github.com's links alone), as GitHub reads them: a link
-- to a PR or issue (`/pull/N`, `/issues/N`, any page of it after, `/files`, a query, an anchor
-- such as `#discussion_r1`) names it; a link to a commit of a PR (`/pull/N/commits/SHA`, which
-- GitHub shows as the commit) names none, nor does any other URL, whatever `ORG/REPO#N` its
-- anchor or path holds (`https://github.com/acme/lib#1` is the repo's page). `ORG/REPO#N`
-- followed by a letter, digit or `_`, or by `@host.tld` (an email address), is no reference.
-- A repo's name from before GitHub renamed it (repo_renames) reads as its name now, as GitHub
-- redirects it, unless another repo has taken that name since. GitHub names repos without
-- regard to letter case (`Acme/Lib#1` is acme/lib#1): `repo` and `target_repo` are spelled as
-- the org's listing spells them (repos.repo), a repo it does not list as the spelling of it
-- that sorts first, so a target named twice in two spellings is one row. Nothing inside an
-- HTML comment (a PR template's examples), a fenced code block (of backticks or tildes, closed
-- only by a fence of at least as many of the same, as CommonMark reads it), an indented code
-- block, a code span, a <code> or <pre> element (closed), or a link's or image's text or title
-- is a reference: GitHub links none of them, and makes no cross-referenced event for them. A
-- link `[TEXT](TARGET)` reads as its TARGET alone, where it stands (a PR's URL is a reference).
-- An indented code block is read as CommonMark 4.4 has it: lines indented 4 columns or more (a
-- tab reaches the next multiple of 4) past the margin, a block quote's `>`, or the text of the
-- list item they go on (below `- item` and a blank line, 4 spaces are the item's next
-- paragraph, a reference; 6 are its code), opening first in the text, below a blank line, a
-- heading, a thematic break or an empty item's marker, first in a block quote or as an item's
-- text, never right below a paragraph's line (which they go on), and holding the blank and
-- indented lines after. Not read as CommonMark does, and so read as text: a link's text over
-- two lines or a reference-style link's (`[TEXT][LABEL]`); and read the other way round in
-- these rarer layouts, for their indented lines: a list item's marker indented 4 columns or
-- more past the text of an item itself so indented (5 levels deep), an ordered list starting
-- past 1 right below a paragraph (CommonMark: the paragraph's text), and a `-` line below a
-- paragraph that ends inside a list item or block quote (CommonMark: an empty list item).
with recursive texts as (
    -- a payload's fields read at once (each ->> reads the whole payload anew)
    select org, repo, f[1]::integer as pr_number, f[2] as body, f[3]::timestamptz as referenced_at,
        'body' as source
    from (select org, repo, payload ->> ['number', 'body', 'created_at'] as f from raw_pulls)
    union all
    select org, repo, parent::integer, f[1], f[2]::timestamptz, 'comment'
    from (select org, repo, parent, payload ->> ['body', 'created_at'] as f from raw_comments)
),
uncoded as (
    select
        t.* exclude (body),
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(regexp_replace(
            replace(body, chr(13), ''),
            '<!--.*?(-->|$)', '', 'gs'),
            -- HTML's code elements, as a fence and a code span
            '(?i)<pre\b[^>]*>.*?</pre\s*>', '', 'gs'),
            '(?i)<code\b[^>]*>.*?</code\s*>', '', 'gs'),
            -- a code fence (CommonMark 4.5): a line of N backticks (no backtick after them) or N
            -- tildes, up to a line of at least N of the same and nothing but spaces after them,
            -- or to the end; the first fence in the text opens first, and one of each length is
            -- one alternative (past 16, any longer one closes it). Made of constants alone, the
            -- pattern is compiled once, not once a row as one read from a table would be
            '(?ms)^ {0,3}(?:' || array_to_string(list_transform(range(3, 18), lambda n: format(
                '`{{{0}}}[^`\n]*$.*?(?:^ {{0,3}}`{{{1},}}[ \t]*$|\z)'
                || '|~{{{0}}}(?:[^~\n][^\n]*)?$.*?(?:^ {{0,3}}~{{{1},}}[ \t]*$|\z)',
                if(n = 17, '17,', n::varchar), n)), '|') || ')', '', 'g'),
            -- a span of two backticks may hold one
            '``[^\n]*?``', '', 'g'),
            '`[^`\n]*`', '', 'g'),
            -- a link (or an image) is its target alone, as an autolink `<TARGET>`: its text (and
            -- title) is no reference (CommonMark 6.3: [TEXT](TARGET "TITLE"), TARGET maybe in
            -- < >; TEXT may hold [ ] pairs one deep)
            '!?\[(?:[^\[\]\n\\]|\\.|\[[^\[\]\n]*\])*\]'
            || '\([ \t]*(?:<([^<>\n]*)>|((?:[^\s()<>\\]|\\.|\([^\s()]*\))*))'
            || '(?:[ \t]+(?:"[^"\n]*"|''[^''\n]*''|\([^()\n]*\)))?[ \t]*\)',
            '<\1\2>', 'g') as body
    from texts as t
    where regexp_matches(body, '(#|/pull/|/issues/)[0-9]')
),
numbered as (
    select
        *,
        -- the same number in each place the text's lines are read (a bare `over ()` may number
        -- the texts anew in each)
        row_number() over (order by org, repo, pr_number, source, referenced_at, body) as text_id
    from uncoded
),
linked as (
    -- every link read as GitHub reads it: one to a PR or issue (any page of it, query or anchor
    -- after) is written `ORG/REPO#N`, with the stops after it; a link to a commit of a PR (GitHub
    -- shows the commit) and every other URL (www. ones too) is the word `link`, so no `ORG/REPO#N`
    -- inside it (a page's anchor) is read, and the clause it ends still ends. A URL runs to a
    -- space or < >, less the stops and closing marks at its end (GFM's autolinks). A pattern
    -- holding the configured host is compiled anew for each row it reads (one made of constants
    -- alone, once), so these read the texts 1,000 at a time, joined by a carriage return: no
    -- text holds one any more (uncoded took them out), and none of them reads past one, as a
    -- URL ends there as at a text's end
    select
        unnest(b.ids) as text_id,
        unnest(string_split(
            regexp_replace(regexp_replace(regexp_replace(
                b.bodies,
                h.host || '[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/pull/[0-9]+/commits/[0-9A-Fa-f]{7,40}'
                || '(?:[^\s<>]*[^\s<>?!.,:;*_~)\]''"])?',
                'link', 'g'),
                h.host || '([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/(?:pull|issues)/([0-9]+)'
                || '(?:[/?#](?:[^\s<>]*[^\s<>?!.,:;*_~)\]''"])?)?'
                || '([?!.,:;*_~)\]''"]*(?:[\s<>]|$))',
                '\1#\2\3', 'g'),
                '(?i:https?://|www\.)[^\s<>]*[^\s<>?!.,:;*_~)\]''"]',
                'link', 'g'),
            chr(13)
        )) as body
    from (
        select
            list(text_id order by text_id) as ids,
            string_agg(body, chr(13) order by text_id) as bodies
        from numbered
        group by text_id // 1000
    ) as b
    cross join (
        -- the host whose links GitHub reads, any letter case, after http:// or https://: the
        -- configured GitHub's (github.com, or a GitHub Enterprise Server's, whose orgs are none
        -- of github.com's); miner's local server (a loopback address) stands for github.com
        select '(?i:https?://(?:' || if(regexp_matches(web_host, '^(?:127\.|localhost|\[::1\])'),
                                        'github\.com|', '')
            || regexp_escape(web_host) || '))/' as host
        from settings_github
    ) as h
),
text_lines as (
    select n.* exclude (body_lines),
        unnest(n.body_lines) as text_line,
        unnest(range(1, len(n.body_lines) + 1)) as line_no,
        len(n.body_lines) as lines,
        -- a block quote's `>` marks, and the line after them, where its indentation counts from
        regexp_extract(text_line, '^(?: {0,3}> ?)*') as quotes,
        substr(text_line, length(quotes) + 1) as quoted
    -- a text's lines carry its number alone (its PR and source join the references it makes:
    -- what the windows below sort, and spill past [warehouse] memory_limit, stays narrow)
    from (select text_id, string_split(body, chr(10)) as body_lines from linked) as n
),
measured as (
    -- a line's indentation in columns (a tab reaches the next multiple of 4, CommonMark 2.2:
    -- each 4 spaces, or up to 3 and a tab, are 4 columns), and a list item's marker (`-`, `*`,
    -- `+`, `1.`, `1)`) with the columns its text starts at (CommonMark 5.2)
    select *,
        regexp_matches(quoted, '^[ \t]*$') as empty,
        length(replace(quotes, ' ', '')) as depth,
        length(regexp_extract(text_line, '^ *')) as margin,
        regexp_matches(quoted, '^ {0,3}#{1,6}(\s|$)') as heading_line,
        regexp_matches(quoted, '^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$')
            as thematic_break,
        length(regexp_replace(regexp_extract(quoted, '^[ \t]*'), '( {4}| {0,3}\t)', '    ', 'g'))
            as indent,
        if(thematic_break, '',
           regexp_extract(quoted, '^[ \t]*([-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)', 1)) as marker,
        regexp_matches(quoted, '^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]*$') as bare,
        -- the column the marker's text starts at, a tab after it reaching the next multiple of 4
        length(regexp_replace(
            repeat(' ', indent + length(marker))
            || regexp_extract(quoted, '^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])([ \t]*)', 1),
            '( {4}| {0,3}\t)', '    ', 'g')) as text_col
    from text_lines
),
items as (
    select *,
        lag(empty, 1, true) over w as after_empty,
        -- `-` or `=` right below a paragraph's line underlines it as a heading (CommonMark 4.3)
        regexp_matches(quoted, '^ {0,3}(?:-+|=+)[ \t]*$')
            and not lag(empty or heading_line or thematic_break or marker <> '', 1, true) over w
            and depth = lag(depth) over w as underline,
        -- a list item's text starts after its marker and 1 to 4 columns (5 or more: the marker
        -- and 1, its text an indented code block), at the column its next lines are indented
        -- to (CommonMark 5.2); one with no text and a blank line below it is over
        case
            when marker = '' or underline or (bare and lead(empty, 1, true) over w) then null
            when bare or text_col > indent + length(marker) + 4 then indent + length(marker) + 1
            else text_col
        end as item_col,
        marker <> '' and not bare and text_col > indent + length(marker) + 4 as item_code
    from measured
    window w as (partition by text_id order by line_no)
),
indented as (
    -- the texts with a line indented 4 columns or more: the lines open_items reads
    select distinct text_id from items where indent >= 4 and not empty
),
closers as (
    -- the lines that close a list item, for each block quote depth and column its items' text
    -- starts at in a text with an indented line. A line left of an item's text closes it when
    -- a blank line is above it, or it is an item, a heading or a thematic break (a line right
    -- below a paragraph's goes on the paragraph, whatever its indentation), and so does a
    -- block quote's start or end left of it
    select k.text_id, k.depth, k.item_col, c.line_no
    from (
        select distinct text_id, depth, item_col
        from items
        where item_col is not null and text_id in (select text_id from indented)
    ) as k
    join items as c on c.text_id = k.text_id
    where if(c.depth = k.depth,
             not c.empty and c.indent < k.item_col
             and (c.after_empty or c.marker <> '' or c.heading_line or c.thematic_break),
             c.margin < k.item_col)
),
item_spans as (
    -- each list item, open from its line to the first line below it that closes it (or to the
    -- text's end): the items and the lines closing such items in one ordered run, each item
    -- taking the first closing line after it
    select text_id, line_no, depth, indent, item_col,
        coalesce(closed_at, lines + 1) as closed_at
    from (
        select *,
            min(if(item, null, line_no)) over (
                partition by text_id, depth, item_col order by line_no, item
                rows between 1 following and unbounded following
            ) as closed_at
        from (
            select text_id, line_no, depth, indent, item_col, lines, true as item
            from items
            where item_col is not null and text_id in (select text_id from indented)
            union all
            select text_id, line_no, depth, null, item_col, null, false
            from closers
        )
    )
    where item
),
open_items as (
    -- each line indented 4 columns or more, and each list item above it in its block quote,
    -- still open (no line between closes it), whose text starts at or before the line's
    -- indentation: each line is read against the few items open above it, not every line
    select l.text_id, l.line_no, l.indent, l.item_col is not null as is_item,
        m.line_no as item_line, m.indent as item_indent, m.item_col
    from (
        select *, unnest(range(line_no + 1, closed_at)) as open_line from item_spans
    ) as m
    join items as l on l.text_id = m.text_id and l.line_no = m.open_line
    where l.depth = m.depth and m.item_col <= l.indent and l.indent >= 4 and not l.empty
),
list_items as (
    -- the list items: a marker indented less than 4 columns, or less than 4 columns past the
    -- text of a list item it goes on (else the line is code)
    select text_id, line_no from items where item_col is not null and indent < 4
    union
    select o.text_id, o.line_no
    from open_items as o
    join list_items as i on i.text_id = o.text_id and i.line_no = o.item_line
    where o.is_item and o.indent - o.item_col < 4
),
contained as (
    -- the list item such a line goes on: the innermost
    select o.text_id, o.line_no, max(o.item_col) as item_col
    from open_items as o
    join list_items as i on i.text_id = o.text_id and i.line_no = o.item_line
    group by o.text_id, o.line_no
),
codeish as (
    -- a line indented 4 columns or more past its list item's text (or past the margin), or a
    -- list item's line whose text is so, may be code
    select i.*,
        l.line_no is not null as listed,
        not i.empty and (i.indent - coalesce(c.item_col, 0) >= 4 or i.item_code and listed)
            as codeish,
        -- the lines from a blank line, a list item's, a heading or a thematic break to the next
        sum(if(i.empty or listed or i.heading_line or i.thematic_break, 1, 0))
            over (partition by i.text_id order by i.line_no) as paragraph
    from items as i
    left join contained as c on c.text_id = i.text_id and c.line_no = i.line_no
    left join list_items as l on l.text_id = i.text_id and l.line_no = i.line_no
),
opening as (
    -- an indented code block (CommonMark 4.4) opens at such a line first in the text, below a
    -- blank line, a heading (or its underline), a thematic break or a list item's marker with
    -- no text, first in a block quote, or as a list item's text; never right below a
    -- paragraph's line (it goes on the paragraph). It holds the lines of its kind and the
    -- blank ones after it: a run
    select *,
        codeish and (
            item_code and listed
            or coalesce(
                lag(empty or heading_line or thematic_break or underline or bare and listed) over w,
                true
            )
            -- a block quote's first line, unless a paragraph in it (at this depth) goes on over
            -- lines without `>` (lazily, CommonMark 5.1) up to this one
            or depth > lag(depth) over w
               and depth > coalesce(max(if(empty or codeish, 0, depth)) over (
                   partition by text_id, paragraph order by line_no
                   rows between unbounded preceding and 1 preceding
               ), 0)
        ) as opens,
        sum(if(empty or codeish, 0, 1)) over w as run
    from codeish
    window w as (partition by text_id order by line_no)
),
split_lines as (
    -- a line of an indented code block is empty here. Emphasis says nothing ("**Depends on:**",
    -- "_blocked by_"): its marks go, where they open after a space or close before one or a
    -- stop, never inside a name
    select text_id, line_no,
        regexp_replace(
            if(codeish and bool_or(opens) over (
                partition by text_id, run order by line_no
                rows between unbounded preceding and current row
            ), '', text_line),
            '(^|\s)[*_]+|[*_]+(\s|$|[:.,;!?])', '\1\2', 'g'
        ) as line
    from opening
),
phrased as (
    select
        *,
        -- a line ending in a phrase ("Depends on:", "## Blocked by") heads the list below it
        -- (a phrase's word inside a name, acme/needs or acme/blocks-ui, is none: here and below,
        -- a phrase stands after no letter, digit or _ . / # -, and before none)
        nullif(lower(regexp_extract(line,
            '(?i)(?:^|[^A-Za-z0-9_./#-])(depends on|depending on|blocked by|requires|needs|after'
            || '|blocks|blocking|required by)\s*:?\s*$', 1)), '') as heading,
        trim(line) = '' as blank
    from split_lines
),
below_heading as (
    select
        *,
        -- whether the last line above that is not blank heads a list
        coalesce(last_value(if(blank, null, heading is not null) ignore nulls) over (
            partition by text_id order by line_no
            rows between unbounded preceding and 1 preceding
        ), false) as below_heading
    from phrased
),
headed as (
    select
        *,
        -- a blank line ends a list, but not one right below its heading ("## Depends on",
        -- a blank line, then the list, as Markdown linters lay headings out); a Markdown
        -- heading starts a section of its own ("## Depends on", nothing, "## Related")
        sum(if((blank and not below_heading) or regexp_matches(line, '^ {0,3}#{1,6}(\s|$)'),
               1, 0)) over (partition by text_id order by line_no) as block
    from below_heading
),
lines as (
    select
        text_id,
        coalesce(last_value(heading ignore nulls) over (
            partition by text_id, block order by line_no
            rows between unbounded preceding and 1 preceding
        ) || ' ', '')
        -- a list item's marker ("1.", "2)", "-", "*") says nothing
        || regexp_replace(line, '^\s*(?:[0-9]+[.)]|[-*+])\s+', '') as line
    from headed
),
segments as (
    -- a line cut before each phrase and after each clause (at . ; ! or ? after two characters
    -- that are neither a space nor a dot, and before a space or the line's end, so "e.g." and
    -- "..." cut nothing): a reference takes the phrase its piece starts with. A cut takes the
    -- character on either side of the phrase to see it is not inside a name; a second pass cuts
    -- before a phrase the first one's taking hid ("blocks needs acme/lib#6")
    select
        l.* exclude (line),
        unnest(string_split(regexp_replace(regexp_replace(regexp_replace(l.line,
            '([^\s.]{2}[.;!?])(\s|$)', '\1' || chr(1) || '\2', 'g'),
            '(?i)(^|[^A-Za-z0-9_./#' || chr(1) || '-])(depends on|depending on|blocked by'
            || '|requires|needs|after|blocks|blocking|required by)([^A-Za-z0-9_./#-]|$)',
            '\1' || chr(1) || '\2\3', 'g'),
            '(?i)(^|[^A-Za-z0-9_./#' || chr(1) || '-])(depends on|depending on|blocked by'
            || '|requires|needs|after|blocks|blocking|required by)([^A-Za-z0-9_./#-]|$)',
            '\1' || chr(1) || '\2\3', 'g'), chr(1))) as piece
    from lines as l
    -- a line with no `#` holds no reference: it needs no cutting
    where contains(l.line, '#')
),
refs as (
    -- the phrase counts when no comma stands between it and the piece's first reference ("After
    -- the outage, this updates acme/api#12" only mentions it; "Depends on acme/a#1, acme/b#2"
    -- depends on both)
    select
        s.* exclude (piece),
        case
            when regexp_matches(s.piece, '^[^,]*[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+')
            then lower(regexp_extract(s.piece,
                '^(?i)(depends on|depending on|blocked by|requires|needs|after|blocks|blocking'
                || '|required by)(?:[^A-Za-z0-9_./#-]|$)', 1))
            else ''
        end as said,
        -- with the letters or `@host.tld` right after it: GitHub reads no reference there
        unnest(regexp_extract_all(
            s.piece,
            '[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+'
            || '(?:[A-Za-z0-9_]+|@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)?'
        )) as ref
    from segments as s
),
parsed as (
    select
        n.org,
        n.repo,
        n.pr_number,
        n.referenced_at,
        n.source,
        split_part(r.ref, '#', 1) as target_repo,
        try_cast(split_part(r.ref, '#', 2) as integer) as target_number,
        r.said
    from refs as r
    join numbered as n on n.text_id = r.text_id
    -- a number past an integer's range names no PR (GitHub's numbers are integers)
    where regexp_matches(ref, '#[0-9]+$') and target_number is not null
),
renamed as (
    -- a repo's names before GitHub renamed it (repo_renames), unless a repo holds one now
    select r.org, lower(r.old_name) as old_name, r.new_name
    from repo_renames as r
    where not exists (
        select 1 from repos as c where c.org = r.org and lower(c.repo) = lower(r.old_name)
    )
),
timeline as (
    -- the event sits on the referenced PR; the PR that made the reference is its source
    select
        t.org,
        t.payload -> 'source' -> 'issue' -> 'repository' ->> 'full_name' as repo,
        (t.payload -> 'source' -> 'issue' ->> 'number')::integer as pr_number,
        (t.payload ->> 'created_at')::timestamptz as referenced_at,
        'timeline' as source,
        t.repo as target_repo,
        t.parent::integer as target_number,
        'mention' as phrase
    from raw_timeline as t
    where t.payload ->> 'event' = 'cross-referenced'
      and (t.payload -> 'source' -> 'issue' -> 'pull_request') is not null
),
named as (
    select
        x.org,
        coalesce(s.new_name, x.repo) as repo,
        x.pr_number,
        coalesce(t.new_name, x.target_repo) as target_repo,
        x.target_number,
        x.phrase,
        x.source,
        x.referenced_at
    from (
        select
            org, repo, pr_number, target_repo, target_number,
            case
                when said in ('blocks', 'blocking', 'required by') then 'blocks'
                when said <> '' then 'depends_on'
                else 'mention'
            end as phrase,
            source,
            referenced_at
        from parsed
        union all
        select org, repo, pr_number, target_repo, target_number, phrase, source, referenced_at
        from timeline
    ) as x
    left join renamed as s on s.org = x.org and s.old_name = lower(x.repo)
    left join renamed as t on t.org = x.org and t.old_name = lower(x.target_repo)
),
listed as (
    -- GitHub names a repo without regard to letter case: the org's listing spells it
    select org, lower(repo) as name, min(repo) as repo
    from repos
    group by org, lower(repo)
)
select distinct
    n.org,
    coalesce(r.repo, n.repo) as repo,
    n.pr_number,
    -- as the org's listing spells it; a repo it does not list, by its spelling that sorts first
    coalesce(t.repo, min(n.target_repo) over (partition by n.org, lower(n.target_repo)))
        as target_repo,
    n.target_number,
    n.phrase,
    n.source,
    n.referenced_at
from named as n
left join listed as r on r.org = n.org and r.name = lower(n.repo)
left join listed as t on t.org = n.org and t.name = lower(n.target_repo)
where lower(n.target_repo) <> lower(n.repo)
