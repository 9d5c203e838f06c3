-- One row per performance indicator (部门整体 / 项目 targets and 决算 self-evaluations).
with indicators as (
    select * from {{ ref('stg_indicator_lines') }}
),

documents as (
    {{ published_documents() }}
)

select
    documents.published_id                              as document_id,
    documents.fiscal_year,
    documents.stage,
    indicators.table_kind,
    indicators.target_scope,
    indicators.project_code,
    indicators.project_name,
    indicators.horizon,
    indicators.goal_label,
    indicators.indicator_l1,
    indicators.indicator_l2,
    coalesce(indicators.indicator_l1_printed, indicators.indicator_l1) as indicator_l1_printed,
    coalesce(indicators.indicator_l2_printed, indicators.indicator_l2) as indicator_l2_printed,
    indicators.indicator_name,
    indicators.indicator_weight,
    indicators.target_text,
    indicators.target_op,
    indicators.target_value,
    indicators.target_unit,
    indicators.prior_targets,
    indicators.basis,
    indicators.actual_text,
    indicators.actual_value,
    indicators.actual_unit,
    indicators.score,
    indicators.source_table,
    indicators.source_line,
    {{ source_page_of('indicators.document_id', 'indicators.source_line') }}    as source_page
from indicators
join documents using (document_id)
