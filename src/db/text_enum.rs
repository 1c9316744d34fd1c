//! Domain enums stored as text (with a CHECK constraint in the migrations), readable and writable on both
//! backends through diesel, and (de)serialised in snake_case.

/// Makes a fieldless enum a diesel `Text` value on every backend whose `str` is `Text`. The enum must derive
/// `diesel::AsExpression`, `diesel::FromSqlRow` (with `#[diesel(sql_type = Text)]`), `strum::IntoStaticStr`
/// and `strum::EnumString`.
#[macro_export]
macro_rules! text_enum_sql {
    ($name:ty) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                let s: &'static str = self.into();
                s.to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = String::from_sql(bytes)?;
                s.parse()
                    .map_err(|_| format!("unknown {} value {s:?}", stringify!($name)).into())
            }
        }
    };
}

/// Declares a fieldless domain enum stored as text: serde and strum in snake_case, diesel `Text` on both
/// backends. Doc comments on the enum and its variants are kept.
#[macro_export]
macro_rules! text_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            strum::EnumString, strum::IntoStaticStr, strum::EnumIter, strum::Display,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }
        $crate::text_enum_sql!($name);
    };
}
