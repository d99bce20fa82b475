{#- A generic test of this project: the rows where the column is negative fail it. -#}
{% test not_negative(model, column_name) %}
SELECT * FROM {{ model }} WHERE {{ column_name }} < 0
{% endtest %}
