-- fact_expenditure holds leaves only: within one (document, fund scope, classification) no
-- fact's code is a strict prefix of another fact's code, so a SUM never double counts.
select parent.document_id, parent.fund_scope, parent.classification,
       parent.subject_code as parent_code, child.subject_code as child_code
from {{ ref('fact_expenditure') }} as parent
join {{ ref('fact_expenditure') }} as child
    on  child.document_id = parent.document_id
    and child.fund_scope = parent.fund_scope
    and child.classification = parent.classification
    and length(child.subject_code) > length(parent.subject_code)
    and starts_with(child.subject_code, parent.subject_code)
