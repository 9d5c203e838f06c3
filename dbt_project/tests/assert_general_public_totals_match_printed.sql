-- general_public_functional_totals sums the right rows: its total agrees with the 合计 the
-- 一般公共预算支出表 prints, to the rounding of the printed leaves (each printed to 0.01, so half a
-- cent each at most, and the 合计 itself). A document whose leaves the gate found not to add up to
-- that 合计 (a total_vs_leaves finding, reviewed since it is published) is reported there instead.
select totals.*
from {{ ref('general_public_functional_totals') }} as totals
where totals.printed_total is not null
  and abs(totals.amount_total - totals.printed_total) > 0.01 * totals.leaf_rows
  and not exists (
      select 1
      from {{ ref('quality_findings') }} as findings
      where findings.document_id = totals.document_id
        and findings."check" = 'total_vs_leaves'
  )
