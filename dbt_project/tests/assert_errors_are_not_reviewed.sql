-- A finding listed in the reviewed list is never left as an 'error'.
select findings.*
from {{ ref('quality_findings') }} as findings
join {{ ref('stg_reviewed_inconsistencies') }} as reviewed using (document_id, "check", subject)
where findings.severity = 'error'
